/**
 * GitHub will not take this installation's request before `retryAt` (ms since the epoch): its
 * hourly request limit is spent, its content limit is, or Orchestrate's own pacing keeps the
 * last of them for status notices. Whatever made the request is tried again then, not before,
 * and without spending one of its attempts: nothing was done.
 */
export class GitHubWaitError extends Error {
  override readonly name = "GitHubWaitError";

  constructor(
    /** `requests`: the primary (5,000 an hour) limit; `writes`: the content limits */
    readonly limit: "requests" | "writes",
    readonly retryAt: number,
    options?: { cause?: unknown },
  ) {
    super(
      `GitHub's ${limit === "requests" ? "hourly request limit" : "limit on writes"} for this installation is reached; retrying at ${new Date(retryAt).toISOString()}`,
      options,
    );
  }
}

/** When an error asks to be retried at a time rather than at once, that time; else null. */
export function retryAtOf(error: unknown): number | null {
  return error instanceof GitHubWaitError ? error.retryAt : null;
}

/** What a run records of the wait, for its status comment. */
export function waitNoteOf(error: GitHubWaitError): {
  limit: "requests" | "writes";
  until: string;
} {
  return { limit: error.limit, until: new Date(error.retryAt).toISOString() };
}
