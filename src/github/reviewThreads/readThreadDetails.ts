import { z } from "zod";
import { THREAD_COMMENTS_DOCUMENT } from "./documents/threadCommentsDocument.js";
import { THREAD_DETAILS_DOCUMENT } from "./documents/threadDetailsDocument.js";
import { graphqlCall, rejectOtherErrors } from "./graphqlCall.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { ReviewThreadsOctokit, ThreadComment, ThreadDetail } from "./types.js";

/** GitHub takes at most 100 ids in one `nodes(ids:)`. */
const IDS_PER_CALL = 100;

const commentSchema = z.object({
  id: z.string(),
  databaseId: z.number().int(),
  body: z.string(),
  createdAt: z.string(),
  url: z.string(),
  author: z.object({ __typename: z.string(), login: z.string() }).nullable(),
  pullRequestReview: z.object({ id: z.string() }).nullable(),
});

const commentPageSchema = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  nodes: z.array(commentSchema.extend({ diffHunk: z.string().optional() }).nullable()),
});

const threadSchema = z.object({
  id: z.string(),
  path: z.string(),
  line: z.number().int().nullable(),
  originalLine: z.number().int().nullable(),
  isResolved: z.boolean(),
  isOutdated: z.boolean(),
  comments: commentPageSchema,
});

type CommentPage = z.infer<typeof commentPageSchema>;

function toComment(node: z.infer<typeof commentSchema>): ThreadComment {
  return {
    id: node.id,
    databaseId: node.databaseId,
    // a deleted account shows as no author; GitHub's pages call it "ghost"
    author: node.author?.login ?? "ghost",
    authorType: node.author?.__typename === "Bot" ? "Bot" : "User",
    body: node.body,
    createdAt: node.createdAt,
    url: node.url,
    reviewId: node.pullRequestReview?.id ?? null,
  };
}

function unexpected(what: string, error: z.ZodError): ReviewThreadsError {
  return new ReviewThreadsError(
    "UNEXPECTED_RESPONSE",
    `GitHub's answer for ${what} does not have the expected shape: ${z.prettifyError(error)}`,
  );
}

/** The comments of `threadId` after `cursor`, 100 a call, to the end. */
async function remainingComments(
  octokit: ReviewThreadsOctokit,
  threadId: string,
  page: CommentPage,
): Promise<ThreadComment[]> {
  const comments: ThreadComment[] = [];
  let current = page;
  while (current.pageInfo.hasNextPage) {
    const after = current.pageInfo.endCursor;
    if (after === null) break;
    const answer = await graphqlCall(octokit, THREAD_COMMENTS_DOCUMENT, { id: threadId, after });
    rejectOtherErrors(answer.errors, () => false);
    const parsed = z
      .object({ node: z.object({ comments: commentPageSchema }).nullable() })
      .safeParse(answer.data);
    if (!parsed.success) throw unexpected(`the comments of thread ${threadId}`, parsed.error);
    if (parsed.data.node === null) {
      throw new ReviewThreadsError("THREAD_NOT_FOUND", `Review thread ${threadId} is gone`);
    }
    current = parsed.data.node.comments;
    for (const node of current.nodes) if (node !== null) comments.push(toComment(node));
  }
  return comments;
}

/**
 * Full detail of threads by id: up to 100 threads per call (1 point), then 1 point per further
 * 100 comments of a long thread. Threads GitHub cannot resolve (deleted, or not visible to the
 * installation) are left out; the rest keep the order of `threadIds`.
 */
export async function readThreadDetails(
  octokit: ReviewThreadsOctokit,
  threadIds: readonly string[],
  concurrency: number,
): Promise<ThreadDetail[]> {
  const ids = [...new Set(threadIds)];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) chunks.push(ids.slice(i, i + IDS_PER_CALL));
  const perChunk = await mapConcurrent(chunks, concurrency, async (chunk) => {
    const answer = await graphqlCall(octokit, THREAD_DETAILS_DOCUMENT, { ids: chunk });
    rejectOtherErrors(answer.errors, (e) => e.type === "NOT_FOUND");
    const parsed = z.object({ nodes: z.array(z.unknown()) }).safeParse(answer.data);
    if (!parsed.success) throw unexpected("ThreadDetails", parsed.error);
    const details: ThreadDetail[] = [];
    for (const [i, node] of parsed.data.nodes.entries()) {
      // a node of another type has none of the thread's fields: an empty object
      if (node === null || (typeof node === "object" && Object.keys(node).length === 0)) continue;
      const thread = threadSchema.safeParse(node);
      if (!thread.success) throw unexpected(`thread ${chunk[i]}`, thread.error);
      const t = thread.data;
      const first = t.comments.nodes.find((c) => c !== null);
      const comments = t.comments.nodes.flatMap((c) => (c === null ? [] : [toComment(c)]));
      comments.push(...(await remainingComments(octokit, t.id, t.comments)));
      details.push({
        id: t.id,
        path: t.path,
        line: t.line,
        originalLine: t.originalLine,
        isResolved: t.isResolved,
        isOutdated: t.isOutdated,
        diffHunk: first?.diffHunk ?? "",
        comments,
      });
    }
    return details;
  });
  return perChunk.flat();
}
