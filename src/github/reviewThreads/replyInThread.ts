import { z } from "zod";
import { REPLY_TO_THREAD_DOCUMENT } from "./documents/replyToThreadDocument.js";
import { graphqlCall } from "./graphqlCall.js";
import { refuseThreadWrite } from "./refuseThreadWrite.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { ReviewThreadsOctokit } from "./types.js";

const replySchema = z.object({
  addPullRequestReviewThreadReply: z.object({
    comment: z.object({ id: z.string(), url: z.string() }),
  }),
});

/**
 * Replies at the end of a thread as the app. The body goes as a GraphQL variable (JSON), so
 * any unicode or control character arrives as written; GitHub refuses only a blank body or one
 * over 65,536 characters.
 */
export async function replyInThread(
  octokit: ReviewThreadsOctokit,
  threadId: string,
  body: string,
): Promise<{ commentId: string; url: string }> {
  const answer = await graphqlCall(octokit, REPLY_TO_THREAD_DOCUMENT, { threadId, body });
  if (answer.errors.length > 0) refuseThreadWrite(threadId, answer.errors);
  const parsed = replySchema.safeParse(answer.data);
  if (!parsed.success) {
    throw new ReviewThreadsError(
      "UNEXPECTED_RESPONSE",
      `GitHub's answer to the reply in ${threadId} has no comment: ${z.prettifyError(parsed.error)}`,
    );
  }
  const { id, url } = parsed.data.addPullRequestReviewThreadReply.comment;
  return { commentId: id, url };
}
