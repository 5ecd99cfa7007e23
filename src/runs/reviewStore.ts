import type { PullSeen, RepoSeen } from "../github/reviewThreads.js";

/** A pull request whose review threads Orchestrate follows. */
export interface TrackedPullRecord {
  owner: string;
  repo: string;
  number: number;
  installationId: number;
  runKey: string;
  group: string;
  /** what the last listing saw (the review-threads port's own state), null before the first */
  seen: PullSeen | null;
  /** thread id → the comment count already turned into a task, answered, or left alone */
  handled: Record<string, number>;
  /** threads left alone because their author is not trusted (never shown to an agent) */
  ignored: string[];
  /** when a thread last appeared or changed (ISO) */
  lastActivityAt: string;
  /** when the app last pushed to the PR's branch (ISO), null if never */
  lastPushAt: string | null;
  /** false once polling stopped for quiet; a webhook wakes it */
  polled: boolean;
}

export interface ReviewStore {
  /** Starts following a PR (or wakes one whose polling stopped); keeps what was seen. */
  track(
    pull: Pick<
      TrackedPullRecord,
      "owner" | "repo" | "number" | "installationId" | "runKey" | "group"
    >,
  ): Promise<TrackedPullRecord>;
  get(owner: string, repo: string, number: number): Promise<TrackedPullRecord | null>;
  /** PRs being polled, per installation */
  polled(): Promise<Map<number, TrackedPullRecord[]>>;
  update(
    owner: string,
    repo: string,
    number: number,
    change: (pull: TrackedPullRecord) => TrackedPullRecord | null,
  ): Promise<TrackedPullRecord | null>;
  /** Stops polling (quiet, closed or merged); the record stays so a webhook can wake it. */
  park(owner: string, repo: string, number: number): Promise<void>;
  /**
   * Runs `fn` while holding the pull request's lock, across processes: two reconciles of one
   * PR at once (a poll and a webhook, two comments of one review) would both see a new thread.
   */
  exclusive<T>(owner: string, repo: string, number: number, fn: () => Promise<T>): Promise<T>;
  reposSeen(installationId: number): Promise<Record<string, RepoSeen>>;
  saveReposSeen(installationId: number, repos: Record<string, RepoSeen>): Promise<void>;
}
