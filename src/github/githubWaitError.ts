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

type WaitNote = { limit: "requests" | "writes"; until: string };

/**
 * What a run records of the wait, for its status comment; null while the wait it already
 * shows lasts. One note per wait, never moved later: each new note is a write of its own, and
 * notes that kept following a receding end would keep the hour's budget full themselves.
 */
export function waitNoteOf(
  error: GitHubWaitError,
  shown: WaitNote | undefined,
  now = Date.now(),
): WaitNote | null {
  if (shown && Date.parse(shown.until) > now) return null;
  return { limit: error.limit, until: new Date(error.retryAt).toISOString() };
}
