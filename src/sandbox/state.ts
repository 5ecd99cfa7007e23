// The sandbox's in-memory model of the slice of GitHub that Orchestrate touches.
// REST routes (rest/), the GraphQL executor (graphql/) and the git server (git/) all read and
// write this one object, so a review comment posted over REST is a thread over GraphQL.

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface SandboxUser {
  id: number;
  login: string;
  type: "User" | "Bot";
  nodeId: string;
}

export interface SandboxLabel {
  id: number;
  name: string;
  color: string;
  /** optional additions below are filled by the REST side; readers must tolerate their absence */
  description?: string | null;
}

export interface SandboxReaction {
  id: number;
  content: string;
  user: string;
  /** "issue:<number>" or "comment:<id>" */
  subject: string;
  createdAt?: string;
}

export interface SandboxIssueComment {
  id: number;
  nodeId: string;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  /** every body this comment ever had, oldest first (tests count edits) */
  history: string[];
}

export interface SandboxIssue {
  number: number;
  nodeId: string;
  title: string;
  body: string;
  user: string;
  state: "open" | "closed";
  labels: string[];
  /** set when the issue is a pull request (GitHub numbers both from one sequence) */
  isPull: boolean;
  createdAt: string;
  updatedAt: string;
  /** numeric REST id (GitHub's issue id differs from its number) */
  id?: number;
  closedAt?: string | null;
  stateReason?: "completed" | "not_planned" | "duplicate" | "reopened" | null;
}

export interface SandboxPull {
  number: number;
  nodeId: string;
  id: number;
  title: string;
  body: string;
  user: string;
  head: string;
  base: string;
  /** sha of the head branch when last seen; refreshed on push */
  headSha: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt?: string | null;
  mergedAt?: string | null;
  mergeCommitSha?: string | null;
  mergedBy?: string | null;
  /** sha of the base branch when last seen; refreshed on push */
  baseSha?: string;
  /**
   * Where the head branch lives when it is not this repository: a fork's id (a PR from a
   * fork). The fork may since have been deleted: GitHub then reports `head.repo: null`.
   */
  headRepoId?: number;
  /** the head repository's owner, kept for `head.label` after a fork is deleted */
  headOwner?: string;
  /** "Allow edits by maintainers": the base's writers (Apps included) may push the head branch */
  maintainerCanModify?: boolean;
}

export interface SandboxReviewComment {
  id: number;
  nodeId: string;
  pullNumber: number;
  threadId: string;
  reviewId: number | null;
  body: string;
  user: string;
  path: string;
  line: number | null;
  diffHunk: string;
  commitId: string;
  inReplyToId: number | null;
  createdAt: string;
  updatedAt: string;
  /** the line when the comment was made (line becomes null once the thread is outdated) */
  originalLine?: number | null;
  side?: "LEFT" | "RIGHT";
}

export interface SandboxReviewThread {
  /** GraphQL node id, e.g. "PRRT_..." */
  id: string;
  pullNumber: number;
  path: string;
  line: number | null;
  isResolved: boolean;
  isOutdated: boolean;
  resolvedBy: string | null;
  /** review comment ids, oldest first */
  commentIds: number[];
}

export interface SandboxReview {
  id: number;
  nodeId: string;
  pullNumber: number;
  user: string;
  body: string;
  state: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED";
  submittedAt: string;
  /** head commit the review was made on */
  commitId?: string;
}

export interface SandboxCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string } | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** every PATCH/POST body applied, oldest first (tests follow the status history) */
  history: Array<{ status: string; conclusion: string | null }>;
  nodeId?: string;
  /** slug of the app that made it (GitHub Actions: `github-actions`); the sandbox App when unset */
  app?: string;
  /** its check suite, when not the one-per-commit suite of the sandbox App */
  suiteId?: number;
}

export interface SandboxRepo {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  defaultBranch: string;
  /** absolute path of the bare git repository served over smart HTTP */
  gitDir: string;
  private: boolean;
  installationId: number;
  /** login -> permission; the owner is admin */
  collaborators: Map<string, Permission>;
  labels: Map<string, SandboxLabel>;
  issues: Map<number, SandboxIssue>;
  pulls: Map<number, SandboxPull>;
  issueComments: Map<number, SandboxIssueComment>;
  reviewComments: Map<number, SandboxReviewComment>;
  reviews: Map<number, SandboxReview>;
  threads: Map<string, SandboxReviewThread>;
  reactions: SandboxReaction[];
  checkRuns: Map<number, SandboxCheckRun>;
  /** GitHub Actions, commit statuses and branch rules (see actions/), made on first use */
  actions?: SandboxActions;
  createdAt?: string;
  pushedAt?: string;
  /** branch → sha when refs were last synced, to tell which moved (the `push` webhook) */
  branchHeads?: Map<string, string>;
  /** set on a fork: the id of the repository it was forked from (GitHub's `parent`) */
  forkOf?: number;
  /** files served by the contents API for branches other than git (rarely needed) */
  nextNumber: number;
}

/** A commit status (`POST /repos/{owner}/{repo}/statuses/{sha}`). */
export interface SandboxCommitStatus {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

/** A GitHub Actions workflow run of one workflow with one job, re-run attempt by attempt. */
export interface SandboxWorkflowRun {
  id: number;
  name: string;
  headSha: string;
  headBranch: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  suiteId: number;
  /** the job of each attempt, oldest first; a job's id is its check run's id, as on GitHub */
  jobIds: number[];
  createdAt: string;
  updatedAt: string;
}

export interface SandboxActions {
  /** the repository's CI: a command run on a checkout of every pushed branch head */
  ci: { name: string; command: string; webhooks?: boolean } | null;
  /** branch -> the head CI last ran for */
  seen: Map<string, string>;
  runs: Map<number, SandboxWorkflowRun>;
  /** job id -> file holding its log */
  logs: Map<number, string>;
  statuses: SandboxCommitStatus[];
  /** branch -> status check contexts its rules require */
  requiredChecks: Map<string, string[]>;
}

export type TokenAccess = "read" | "write";

/** What one installation token may do, as GitHub scopes it when it is minted. */
export interface TokenGrant {
  /** ms since epoch */
  expiresAt: number;
  /** repositories the token reaches; null: every repository of the installation */
  repositoryIds: number[] | null;
  /** permission -> access; a subset of the app's own permissions */
  permissions: Record<string, TokenAccess>;
  /** set by `DELETE /installation/token`: the token is refused from then on */
  revokedAt?: number;
}

export interface SandboxInstallation {
  id: number;
  account: string;
  /** every token minted for this installation, live, expired or revoked */
  tokens: Map<string, TokenGrant>;
  createdAt?: string;
  /** what the installation granted; app.yml's permissions when unset */
  permissions?: Record<string, TokenAccess>;
  /** set while the account has suspended the App: its tokens are refused (403) */
  suspendedAt?: string;
}

export interface RecordedRequest {
  method: string;
  /** path without query, after stripping a GHE prefix such as /api/v3 */
  path: string;
  /** OpenAPI operationId, or "graphql", or "git" */
  operation: string;
  status: number;
  /** installation id from the token, when any */
  installationId: number | null;
  /** GraphQL points charged, 0 for REST */
  cost: number;
  body: unknown;
  /** ms since epoch when the sandbox answered (the same as answeredAt; kept for readers) */
  at: number;
  /** ms since epoch when the request reached the sandbox, before its body was read */
  arrivedAt: number;
  /** ms since epoch when the sandbox wrote its answer */
  answeredAt: number;
}

export interface FidelityFailure {
  method: string;
  path: string;
  reason: string;
}

/** A fault switch: the next `remaining` requests whose operation matches are answered with it. */
export interface Fault {
  /** OpenAPI operationId (e.g. "issues/create-comment"), "graphql", "git", or "*" */
  operation: string;
  remaining: number;
  /**
   * "502" and "secondary-rate-limit" answer before anything changes; "502-after-write" lets a
   * write (a REST request other than GET/HEAD, a GraphQL mutation) happen and then answers 502,
   * as GitHub does when the answer is lost after the write was applied: a client cannot tell
   * the two 502s apart, and must not assume the write failed.
   */
  kind: "502" | "secondary-rate-limit" | "502-after-write";
  /** seconds, for secondary-rate-limit */
  retryAfter: number;
}

/** GitHub's plans; drafts in private repositories need Team or Enterprise. */
export type AccountPlan = "free" | "pro" | "team" | "enterprise";

export interface SandboxState {
  appId: number;
  appSlug: string;
  /** PEM public key used to verify the app's JWTs */
  appPublicKey: string;
  baseUrl: string;
  users: Map<string, SandboxUser>;
  installations: Map<number, SandboxInstallation>;
  /** "owner/name" -> repo */
  repos: Map<string, SandboxRepo>;
  requests: RecordedRequest[];
  fidelityFailures: FidelityFailure[];
  faults: Fault[];
  graphqlPoints: number;
  /** one counter for every numeric id the sandbox hands out */
  nextId: number;
  now: () => Date;
  /** how long an installation token lives: one hour on GitHub; tests may shorten it */
  tokenLifetimeMs: number;
  /** account login -> plan; an account not listed is on GitHub Free, as new accounts are */
  plans: Map<string, AccountPlan>;
  /** REST requests an installation may make an hour (GitHub: 5,000; tests may lower it) */
  restLimitPerHour: number;
  /** how long that window lasts: an hour on GitHub; tests may shorten it */
  restWindowMs: number;
  /** GitHub's secondary limit on content-generating requests (on by default); null: not enforced */
  contentLimits: {
    perMinute: number;
    perHour: number;
    /** the windows: GitHub's minute and hour unless a test shortens them */
    minuteMs?: number;
    hourMs?: number;
  } | null;
}

export function nextId(state: SandboxState): number {
  state.nextId += 1;
  return state.nextId;
}

/** GitHub-shaped opaque node ids: a type prefix and a base64 body. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`sandbox:${prefix}:${id}`).toString("base64url")}`;
}
