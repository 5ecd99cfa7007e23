import type { CiChecksPort } from "./ciChecksPort.js";

// What the use cases need from GitHub, in our words. Only src/github/ implements it over Octokit,
// so domain code and its tests never see Octokit.

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface RepoCoordinates {
  owner: string;
  repo: string;
}

export interface RepoInfo {
  defaultBranch: string;
  cloneUrl: string;
  htmlUrl: string;
  private: boolean;
}

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  author: string;
  isPullRequest: boolean;
  state: "open" | "closed";
}

export interface CommentRef {
  id: number;
  url: string;
}

export interface ExistingComment extends CommentRef {
  body: string;
  author: string;
  authorType: string;
}

export type ReactionContent =
  | "+1"
  | "-1"
  | "laugh"
  | "confused"
  | "heart"
  | "hooray"
  | "rocket"
  | "eyes";

export interface PullInfo {
  number: number;
  nodeId: string;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  head: string;
  headSha: string;
  base: string;
  body: string;
  /**
   * Where the head branch lives: the repository itself, or the fork a PR came from; null
   * when that fork has been deleted (GitHub's "unknown repository").
   */
  headRepo: HeadRepo | null;
  /** the head owner as GitHub labels it (`owner:branch`), kept after a fork is deleted */
  headOwner: string;
  /** the head is in another repository than the base: a PR from a fork */
  fromFork: boolean;
  /**
   * "Allow edits by maintainers": the base's writers, the App among them, may push the head.
   * Read from `pull()`: GitHub's list of pull requests leaves it out (false here).
   */
  maintainerCanModify: boolean;
}

/** A pull request's head against its base branch, as GitHub reports it. */
export interface BaseStanding {
  open: boolean;
  base: string;
  /** the base branch's tip the comparison was made with */
  baseSha: string;
  headSha: string;
  /** commits on the base the head does not have */
  behindBy: number;
  /** false: a merge would conflict; null: GitHub is still computing it */
  mergeable: boolean | null;
  mergeableState: string;
}

export interface HeadRepo {
  owner: string;
  repo: string;
  cloneUrl: string;
  defaultBranch: string;
  htmlUrl: string;
}

export interface CheckRunInput {
  name: string;
  status: "in_progress" | "completed";
  conclusion?: "success" | "failure" | "cancelled" | "neutral";
  title: string;
  summary: string;
  detailsUrl?: string;
  externalId?: string;
}

export interface MintedToken {
  token: string;
  /** `DELETE /installation/token`; a token already expired or revoked is fine */
  revoke(): Promise<void>;
}

/**
 * `notice`: the call tells people why the run waits for GitHub's limits; it may use the few
 * requests and writes of the hour held back for that.
 */
export interface NoticeOption {
  notice?: boolean;
}

export interface GitHubPort {
  readonly appLogin: string;
  /** CI follow-up: checks, statuses, Actions logs and re-runs (absent: no CI follow-up) */
  readonly ci?: CiChecksPort;
  permissionOf(repo: RepoCoordinates, login: string): Promise<RepoPermission>;
  repoInfo(repo: RepoCoordinates): Promise<RepoInfo>;
  issue(repo: RepoCoordinates, number: number): Promise<IssueInfo>;
  /** contents of a file on the default branch (or `ref`), null when it does not exist */
  fileContent(repo: RepoCoordinates, path: string, ref?: string): Promise<string | null>;
  createComment(
    repo: RepoCoordinates,
    issue: number,
    body: string,
    o?: NoticeOption,
  ): Promise<CommentRef>;
  updateComment(
    repo: RepoCoordinates,
    commentId: number,
    body: string,
    o?: NoticeOption,
  ): Promise<void>;
  listComments(repo: RepoCoordinates, issue: number, o?: NoticeOption): Promise<ExistingComment[]>;
  reactToIssue(repo: RepoCoordinates, issue: number, content: ReactionContent): Promise<void>;
  reactToComment(repo: RepoCoordinates, commentId: number, content: ReactionContent): Promise<void>;
  pull(repo: RepoCoordinates, number: number): Promise<PullInfo>;
  /**
   * the pull request whose head is `branch` of this repo, or of `headOwner`'s fork (open first,
   * else the newest), or null
   */
  findPull(repo: RepoCoordinates, branch: string, headOwner?: string): Promise<PullInfo | null>;
  /** throws DraftsUnsupportedError when GitHub refuses `draft: true` in this repository */
  createPull(
    repo: RepoCoordinates,
    o: { head: string; base: string; title: string; body: string; draft: boolean },
  ): Promise<PullInfo>;
  updatePull(
    repo: RepoCoordinates,
    number: number,
    o: { title?: string; body?: string; state?: "open" | "closed"; base?: string },
  ): Promise<void>;
  /** creates branch `branch` at `sha` (a closed PR's deleted head branch, restored to reopen it) */
  createBranch(repo: RepoCoordinates, branch: string, sha: string): Promise<void>;
  pullFiles(repo: RepoCoordinates, number: number): Promise<string[]>;
  /**
   * the tip of `branch`, asked conditionally on `etag`: `null` when GitHub answers 304 (it has
   * not moved; such an answer costs no rate limit)
   */
  branchTip(
    repo: RepoCoordinates,
    branch: string,
    etag?: string,
  ): Promise<{ sha: string; etag: string | null } | null>;
  /** how the PR's head stands against its base: behind by, conflicting (see BaseStanding) */
  baseStanding(repo: RepoCoordinates, number: number): Promise<BaseStanding>;
  /** takes a draft pull request out of draft (GraphQL: REST cannot) */
  markReadyForReview(pullNodeId: string): Promise<void>;
  createCheckRun(
    repo: RepoCoordinates,
    check: CheckRunInput & { headSha: string },
  ): Promise<number>;
  updateCheckRun(repo: RepoCoordinates, id: number, check: CheckRunInput): Promise<void>;
  /**
   * A token for one git operation on one repository, minted for it alone: `contents: read` to
   * fetch, `contents: write` to push, nothing else. Revoke it as soon as the command ends.
   * For a fork PR's head branch, mint it for the base repository: GitHub takes the base's
   * write access for a maintainer's edit of the fork.
   */
  gitToken(repo: RepoCoordinates, access: "read" | "write"): Promise<MintedToken>;
  /**
   * Whether the installation granted `workflows: write`: without it GitHub refuses any push by
   * the App that creates, changes or deletes a file under `.github/workflows/`.
   */
  canPushWorkflows(): Promise<boolean>;
  /** Who the App's commits are by: `<slug>[bot]` and GitHub's noreply address for that user. */
  botIdentity(): Promise<{ name: string; email: string }>;
}

export const WRITE_PERMISSIONS: ReadonlySet<RepoPermission> = new Set([
  "admin",
  "maintain",
  "write",
]);
