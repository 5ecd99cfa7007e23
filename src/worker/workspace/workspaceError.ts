// The one error type the workspace throws. Its message has been scrubbed of tokens, and it
// carries no `cause`: simple-git's errors hold the raw git output and must not travel to logs.

export type WorkspaceErrorCode =
  /** A git command failed (network, auth, disk, corrupt cache). Retrying may help. */
  | "git-failed"
  /** The caller passed something unusable (bad branch name, repo name, missing default branch). */
  | "bad-input"
  /** The agent's files cannot be committed as they are (e.g. an embedded repository). */
  | "bad-change";

export class WorkspaceError extends Error {
  override readonly name = "WorkspaceError";
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
