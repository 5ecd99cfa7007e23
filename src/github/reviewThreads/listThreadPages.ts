import { z } from "zod";
import { aliasMisses } from "./aliasMisses.js";
import type { CallTally } from "./callTally.js";
import {
  MAX_THREAD_PAGES_BATCH,
  THREAD_PAGES_DOCUMENTS,
} from "./documents/threadPagesDocuments.js";
import { githubReadAt } from "./githubReadAt.js";
import { graphqlCall } from "./graphqlCall.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { type PullRef, pullKey } from "./pullRef.js";
import { pullStateSchema } from "./pullStateSchema.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { MissingPull, PullState, ReviewThreadsOctokit } from "./types.js";

export interface ListRequest {
  pull: PullRef;
  /** threads to ask for on the first page (1-100): what the caller expects, plus a margin */
  firstPageSize: number;
}

export interface ListedThread {
  id: string;
  path: string;
  line: number | null;
  isResolved: boolean;
  isOutdated: boolean;
  commentCount: number;
}

export interface Listing {
  state: PullState;
  updatedAt: string;
  readAt: string;
  threads: ListedThread[];
}

/** Room left on a follow-up page for threads opened while we page. */
const PAGE_MARGIN = 5;
const MAX_PAGE = 100;

const threadSchema = z.object({
  id: z.string(),
  path: z.string(),
  line: z.number().int().nullable(),
  isResolved: z.boolean(),
  isOutdated: z.boolean(),
  comments: z.object({ totalCount: z.number().int() }),
});

const aliasSchema = z
  .object({
    pullRequest: z
      .object({
        updatedAt: z.string(),
        state: pullStateSchema,
        reviewThreads: z.object({
          totalCount: z.number().int(),
          pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
          nodes: z.array(threadSchema.nullable()),
        }),
      })
      .nullable(),
  })
  .nullable();

interface PageAsk {
  pull: PullRef;
  first: number;
  after: string | null;
}

function clampPage(size: number): number {
  return Math.min(MAX_PAGE, Math.max(1, Math.ceil(size)));
}

/**
 * Every review thread of every requested pull request, with its comment count. Up to 25 PRs a
 * call; a PR with more threads than its first page comes back in later rounds, batched with
 * the other PRs still paging, each next page sized to what totalCount says is left. The
 * state, updatedAt and readAt kept are those of the first page: if the PR moved while we paged,
 * its updatedAt will differ next poll and it is listed again.
 */
export async function listThreadPages(
  octokit: ReviewThreadsOctokit,
  requests: readonly ListRequest[],
  concurrency: number,
  tally: CallTally,
): Promise<{ listings: Map<string, Listing>; missing: MissingPull[] }> {
  const listings = new Map<string, Listing>();
  const missing: MissingPull[] = [];
  let pending: PageAsk[] = requests.map((r) => ({
    pull: r.pull,
    first: clampPage(r.firstPageSize),
    after: null,
  }));
  while (pending.length > 0) {
    const chunks: PageAsk[][] = [];
    for (let i = 0; i < pending.length; i += MAX_THREAD_PAGES_BATCH) {
      chunks.push(pending.slice(i, i + MAX_THREAD_PAGES_BATCH));
    }
    const next: PageAsk[][] = await mapConcurrent(chunks, concurrency, async (chunk) => {
      const variables: Record<string, unknown> = {};
      chunk.forEach((ask, i) => {
        variables[`o${i}`] = ask.pull.owner;
        variables[`r${i}`] = ask.pull.repo;
        variables[`n${i}`] = ask.pull.number;
        variables[`f${i}`] = ask.first;
        variables[`a${i}`] = ask.after;
      });
      const document = THREAD_PAGES_DOCUMENTS[chunk.length - 1] as string;
      const answer = await graphqlCall(octokit, document, variables);
      tally.recordGraphql(answer);
      const misses = aliasMisses(answer.errors);
      const readAt = githubReadAt(answer);
      const more: PageAsk[] = [];
      chunk.forEach((ask, i) => {
        const alias = `p${i}`;
        const key = pullKey(ask.pull);
        const parsed = aliasSchema.safeParse(answer.data[alias]);
        if (!parsed.success) {
          throw new ReviewThreadsError(
            "UNEXPECTED_RESPONSE",
            `GitHub's answer for ${key} does not have the shape ThreadPages asks for: ${z.prettifyError(parsed.error)}`,
          );
        }
        const pull = parsed.data?.pullRequest;
        if (!pull) {
          listings.delete(key);
          const { owner, repo, number } = ask.pull;
          const message = misses.get(alias) ?? "GitHub returned no pull request";
          missing.push({ owner, repo, number, message });
          return;
        }
        let listing = listings.get(key);
        if (listing === undefined || ask.after === null) {
          listing = { state: pull.state, updatedAt: pull.updatedAt, readAt, threads: [] };
          listings.set(key, listing);
        }
        const page = pull.reviewThreads;
        for (const node of page.nodes) {
          if (node === null) continue;
          listing.threads.push({
            id: node.id,
            path: node.path,
            line: node.line,
            isResolved: node.isResolved,
            isOutdated: node.isOutdated,
            commentCount: node.comments.totalCount,
          });
        }
        if (!page.pageInfo.hasNextPage) return;
        if (page.pageInfo.endCursor === null || page.nodes.length === 0) {
          throw new ReviewThreadsError(
            "UNEXPECTED_RESPONSE",
            `GitHub said ${key} has more review threads but gave no cursor to continue from`,
          );
        }
        const left = page.totalCount - listing.threads.length;
        more.push({
          pull: ask.pull,
          first: clampPage(left + PAGE_MARGIN),
          after: page.pageInfo.endCursor,
        });
      });
      return more;
    });
    pending = next.flat();
  }
  return { listings, missing };
}
