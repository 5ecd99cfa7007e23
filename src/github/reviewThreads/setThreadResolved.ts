import { RESOLVE_THREAD_DOCUMENT } from "./documents/resolveThreadDocument.js";
import { UNRESOLVE_THREAD_DOCUMENT } from "./documents/unresolveThreadDocument.js";
import { graphqlCall } from "./graphqlCall.js";
import { refuseThreadWrite } from "./refuseThreadWrite.js";
import type { ReviewThreadsOctokit } from "./types.js";

/** Resolves or unresolves a thread; doing what is already so is not an error. */
export async function setThreadResolved(
  octokit: ReviewThreadsOctokit,
  threadId: string,
  resolved: boolean,
): Promise<void> {
  const document = resolved ? RESOLVE_THREAD_DOCUMENT : UNRESOLVE_THREAD_DOCUMENT;
  const answer = await graphqlCall(octokit, document, { threadId });
  if (answer.errors.length > 0) refuseThreadWrite(threadId, answer.errors);
}
