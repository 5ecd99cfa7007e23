import type { ThreadDetail } from "../github/reviewThreads.js";

/** What the review follow-up needs of GitHub's review threads (src/github/reviewThreads.ts). */
export interface ReviewThreadsPort {
  threadDetails(threadIds: readonly string[]): Promise<ThreadDetail[]>;
  reply(threadId: string, body: string): Promise<{ commentId: string; url: string }>;
  resolve(threadId: string): Promise<void>;
}
