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

export interface CiChecksPort {
  /**
   * Check runs (the latest of each name) and commit statuses (the latest of each context) on
   * `sha`. Asked with the ETag of the last answer: unchanged, it costs no rate limit.
   * Throws CiPermissionError when the installation has not granted what it needs.
   */
  headChecks(repo: RepoCoordinates, sha: string): Promise<HeadCheck[]>;
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
