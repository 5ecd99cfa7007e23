import { pollPulls } from "./reviewThreads/pollPulls.js";
import { readThreadDetails } from "./reviewThreads/readThreadDetails.js";
import { replyInThread } from "./reviewThreads/replyInThread.js";
import { ReviewThreadsError } from "./reviewThreads/reviewThreadsError.js";
import { setThreadResolved } from "./reviewThreads/setThreadResolved.js";
import type {
  PollResult,
  RepoSeen,
  ReviewThreadsOctokit,
  ReviewThreadsOptions,
  ThreadDetail,
  TrackedPull,
} from "./reviewThreads/types.js";

export { ReviewThreadsError } from "./reviewThreads/reviewThreadsError.js";
export { pullSeenSchema, repoSeenSchema } from "./reviewThreads/seenSchemas.js";
export type * from "./reviewThreads/types.js";

export interface ReviewThreadsClient {
  /**
   * One pass over every tracked PR: which threads are new or changed since `seen`, listing only
   * the PRs something points at. Store each `PullPoll.seen` and the returned `repos`, and hand
   * them back next time. PRs GitHub no longer shows come back in `missing`.
   */
  poll(
    pulls: readonly TrackedPull[],
    repos?: Readonly<Record<string, RepoSeen>>,
  ): Promise<PollResult>;
  /** One thread with all its comments (paginated past 100). */
  threadDetail(threadId: string): Promise<ThreadDetail>;
  /** Many threads at once: 1 point per 100 threads; unresolvable ids are left out. */
  threadDetails(threadIds: readonly string[]): Promise<ThreadDetail[]>;
  reply(threadId: string, body: string): Promise<{ commentId: string; url: string }>;
  resolve(threadId: string): Promise<void>;
  unresolve(threadId: string): Promise<void>;
}

const DEFAULT_SWEEP_AFTER_MS = 30 * 60_000;
const DEFAULT_CONCURRENCY = 4;

/**
 * Review threads over GitHub's GraphQL API (and one conditional REST feed per repository), for
 * an installation-authenticated Octokit such as Probot's `context.octokit`. The only place that
 * knows these queries; see reviewThreads/pollPulls.ts for the polling strategy and its cost.
 */
export function reviewThreadsClient(
  octokit: ReviewThreadsOctokit,
  options: ReviewThreadsOptions = {},
): ReviewThreadsClient {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const settings = {
    sweepAfterMs: options.sweepAfterMs ?? DEFAULT_SWEEP_AFTER_MS,
    concurrency,
    now: options.now ?? Date.now,
  };
  return {
    poll: (pulls, repos = {}) => pollPulls(octokit, pulls, repos, settings),
    async threadDetail(threadId) {
      const [detail] = await readThreadDetails(octokit, [threadId], 1);
      if (detail === undefined) {
        throw new ReviewThreadsError(
          "THREAD_NOT_FOUND",
          `Review thread ${threadId} does not exist or this installation cannot see it`,
        );
      }
      return detail;
    },
    threadDetails: (threadIds) => readThreadDetails(octokit, threadIds, concurrency),
    reply: (threadId, body) => replyInThread(octokit, threadId, body),
    resolve: (threadId) => setThreadResolved(octokit, threadId, true),
    unresolve: (threadId) => setThreadResolved(octokit, threadId, false),
  };
}
