// The shapes the review-thread port speaks, in our words. Everything a caller stores between
// polls (PullSeen, RepoSeen) is plain JSON: it goes to Redis and comes back unchanged.

export type PullState = "OPEN" | "CLOSED" | "MERGED";

/** What the last listing of a pull request's threads saw; the caller stores it and hands it back. */
export interface PullSeen {
  state: PullState;
  /** the PR's updatedAt when its threads were listed */
  updatedAt: string;
  /**
   * A moment on GitHub's clock (ISO, whole seconds) at or before which the listing read the
   * threads: the response's Date header less the round trip. Anything that changed after it
   * carries a later timestamp, which is how the next poll decides what it may have missed.
   */
  readAt: string;
  threads: Record<string, ThreadSeen>;
}

export interface ThreadSeen {
  isResolved: boolean;
  isOutdated: boolean;
  commentCount: number;
}

/**
 * Per repository (keyed "owner/name" in lower case in PollResult.repos): the ETags of its
 * review-comment feed and of its pull request list, so an unchanged repository costs nothing.
 * Either may be missing (never read yet, or GitHub sent none): that feed is read in full once.
 */
export interface RepoSeen {
  /** review comments, most recently updated first */
  etag?: string;
  /** pull requests, most recently updated first */
  pullsEtag?: string;
}

export interface TrackedPull {
  owner: string;
  repo: string;
  number: number;
  /** `PullPoll.seen` from the last poll that listed it; null = never listed (it will be, once) */
  seen: PullSeen | null;
  /**
   * List its threads now, whatever the cheap signals say. Set it when a webhook named the PR
   * (`pull_request_review_thread`, `pull_request_review_comment`, `pull_request_review`):
   * resolving or unresolving a thread is not guaranteed to move anything else the poll watches.
   */
  relist?: boolean;
}

/** Why a pull request's threads were listed this time. */
export type ListReason = "never-listed" | "asked" | "unsettled" | "sweep" | "comments" | "updated";

/**
 * One thread as this listing saw it. The app's own reply-and-resolve shows up here too (count
 * +1, resolved): compare with what the app did. A person answering after the thread was
 * resolved shows as `changed` with `isResolved` and `before.isResolved` both true and a higher
 * `commentCount`; the detail's last comments then say whether someone other than the app
 * wrote them. A person who also unresolves shows as `isResolved: false, before.isResolved: true`.
 */
export interface ThreadChange {
  threadId: string;
  path: string;
  line: number | null;
  isResolved: boolean;
  isOutdated: boolean;
  commentCount: number;
  kind: "new" | "changed" | "unchanged";
  /** what the previous listing saw (null for a new thread): compare to tell a reply from an unresolve */
  before: ThreadSeen | null;
}

export interface PullPoll {
  owner: string;
  repo: string;
  number: number;
  state: PullState;
  updatedAt: string;
  /** a thread is new or changed or gone, or the PR's state moved since `seen` */
  changed: boolean;
  /** null when the threads were not listed this time (nothing pointed at a change) */
  listedBecause: ListReason | null;
  /** every thread when listed (in GitHub's order), null when not listed */
  threads: ThreadChange[] | null;
  /** ids of threads `seen` knew that GitHub no longer lists */
  gone: string[];
  /** what to store and hand back next time (the same object as before when not listed) */
  seen: PullSeen;
}

export interface MissingPull {
  owner: string;
  repo: string;
  number: number;
  /** GitHub's words: the PR, its repository or the installation's access to it is gone */
  message: string;
}

export interface PollResult {
  pulls: PullPoll[];
  missing: MissingPull[];
  /** every repository's feed state, the ones passed in included: store it whole */
  repos: Record<string, RepoSeen>;
  graphqlCalls: number;
  /** GraphQL points GitHub reported charging for this poll (`rateLimit { cost }`) */
  graphqlPoints: number;
  restCalls: number;
  /** of restCalls, those GitHub answered 304 Not Modified (free) */
  restNotModified: number;
  /** the installation's GraphQL budget after the last call, when GitHub reported it */
  rateLimit: { remaining: number; resetAt: string } | null;
}

export interface ThreadComment {
  /** GraphQL node id */
  id: string;
  /** REST id */
  databaseId: number;
  /** GraphQL login: a bot has no "[bot]" suffix here (REST's "orchestrate[bot]" is "orchestrate") */
  author: string;
  authorType: "User" | "Bot";
  body: string;
  createdAt: string;
  url: string;
  /** node id of the review the comment was submitted in */
  reviewId: string | null;
}

export interface ThreadDetail {
  id: string;
  path: string;
  line: number | null;
  originalLine: number | null;
  isResolved: boolean;
  isOutdated: boolean;
  /** the diff hunk of the thread's first comment, up to the commented line */
  diffHunk: string;
  /** oldest first, all of them */
  comments: ThreadComment[];
}

/** The part of an Octokit this port uses: Probot's installation Octokit and @octokit/rest's fit. */
export interface ReviewThreadsOctokit {
  request: OctokitRequest;
}

export type OctokitRequest = ((
  route: string,
  parameters?: Record<string, unknown>,
) => Promise<{
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}>) & { endpoint: { DEFAULTS: { baseUrl: string } } };

export interface ReviewThreadsOptions {
  /**
   * Relist a PR whose last listing is older than this, in case a webhook was lost (GitHub does
   * not redeliver). Spread over 1x-1.5x of it per PR so a cold start does not come back as one
   * burst. 30 minutes by default; Infinity turns it off.
   */
  sweepAfterMs?: number;
  /** concurrent GraphQL calls within one poll (4 by default) */
  concurrency?: number;
  /** the local clock, for the sweep only */
  now?: () => number;
}
