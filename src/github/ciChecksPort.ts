import type { RepoCoordinates } from "./githubPort.js";

// What CI follow-up needs from GitHub: the checks and statuses on a head, a failed Actions job's
// log tail, a re-run, and the status checks a branch's rules require.

export interface HeadCheck {
  /** a check run's name, or a commit status's context */
  name: string;
  /** slug of the app that made a check run; null for a commit status */
  app: string | null;
  state: "pending" | "success" | "failure";
  /** title, summary and text of a check run, or a status's description */
  output: string;
  /** GitHub Actions: the job behind the check run (its id is the check run's) */
  actionsJobId: number | null;
}

export interface HeadChecks {
  checks: HeadCheck[];
  /** what could not be read for a permission the installation has not granted (statuses) */
  refused: CiPermissionError[];
}

/** A pull request's head and base, for CI follow-up. */
export interface PullHead {
  state: "open" | "closed";
  headSha: string;
  base: string;
}

// Every read below is asked with the ETag of its last answer: unchanged, GitHub answers 304,
// which costs no rate limit — what lets the poll look at unsettled heads every cycle.
export interface CiChecksPort {
  pullHead(repo: RepoCoordinates, number: number): Promise<PullHead>;
  /**
   * Check runs (the latest of each name) and commit statuses (the latest of each context) on
   * `sha`. Throws CiPermissionError when check runs cannot be read.
   */
  headChecks(repo: RepoCoordinates, sha: string): Promise<HeadChecks>;
  /** the last `maxBytes` of a job's log (whatever its size), read while streaming */
  jobLogTail(repo: RepoCoordinates, jobId: number, maxBytes: number): Promise<string>;
  /** re-runs one GitHub Actions job (a new attempt of its workflow run) */
  rerunJob(repo: RepoCoordinates, jobId: number): Promise<void>;
  /** status check contexts the rules of `branch` require */
  requiredChecks(repo: RepoCoordinates, branch: string): Promise<string[]>;
}

/** GitHub refused a CI read or re-run: the installation lacks `permission`. */
export class CiPermissionError extends Error {
  constructor(
    readonly permission: "actions" | "statuses" | "checks",
    readonly access: "read" | "write",
  ) {
    super(`GitHub refused: the App's installation has not granted \`${permission}: ${access}\``);
    this.name = "CiPermissionError";
  }
}
