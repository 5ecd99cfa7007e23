import { z } from "zod";
import type { CallTally } from "./callTally.js";
import { errorStatus } from "./errorStatus.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { ReviewThreadsOctokit } from "./types.js";

const PER_PAGE = 100;
/** Past this many pages of items updated since `since`, the list is given up (`overflow`). */
const MAX_PAGES = 3;

export interface UpdatedList<T> {
  /** the list is as it was at `etag` (a 304: nothing was read) */
  notModified: boolean;
  etag: string | null;
  /** the items updated at or after `since`, newest first */
  items: T[];
  /** more items were updated since `since` than were read: the list says nothing of the rest */
  overflow: boolean;
}

/**
 * Reads a repository list GitHub sorts by `updated` (desc), back to `since` (GitHub's clock),
 * its first page conditionally on `etag`: a 304, which costs no rate limit, arrives as a thrown
 * RequestError from Octokit. What the pull list and the review-comment feed of a poll share.
 */
export async function readUpdatedList<T extends { updated_at: string }>(
  octokit: ReviewThreadsOctokit,
  list: {
    route: "GET /repos/{owner}/{repo}/pulls" | "GET /repos/{owner}/{repo}/pulls/comments";
    params?: Record<string, string>;
    item: z.ZodType<T>;
    /** what the items are, for the error when GitHub's answer is not a list of them */
    what: string;
  },
  repo: { owner: string; repo: string },
  etag: string | undefined,
  since: string,
  tally: CallTally,
): Promise<UpdatedList<T>> {
  const items: T[] = [];
  const sinceMs = Date.parse(since);
  const schema = z.array(list.item);
  let firstEtag: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    let response: Awaited<ReturnType<ReviewThreadsOctokit["request"]>>;
    tally.restCalls += 1;
    try {
      response = await octokit.request(list.route, {
        owner: repo.owner,
        repo: repo.repo,
        ...list.params,
        sort: "updated",
        direction: "desc",
        per_page: PER_PAGE,
        page,
        ...(page === 1 && etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
      });
    } catch (error) {
      if (page === 1 && errorStatus(error) === 304) {
        tally.restNotModified += 1;
        return { notModified: true, etag: etag ?? null, items, overflow: false };
      }
      throw error;
    }
    if (page === 1) {
      const header = response.headers["etag"];
      firstEtag = typeof header === "string" ? header : null;
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) {
      throw new ReviewThreadsError(
        "UNEXPECTED_RESPONSE",
        `GitHub's ${list.what} of ${repo.owner}/${repo.repo} are not a list of ${list.what}: ${z.prettifyError(parsed.error)}`,
      );
    }
    const fresh = parsed.data.filter((item) => Date.parse(item.updated_at) >= sinceMs);
    items.push(...fresh);
    if (fresh.length < parsed.data.length || parsed.data.length < PER_PAGE) {
      return { notModified: false, etag: firstEtag, items, overflow: false };
    }
  }
  return { notModified: false, etag: firstEtag, items, overflow: true };
}
