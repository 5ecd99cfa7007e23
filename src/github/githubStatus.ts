/** The HTTP status GitHub answered with, found on the error or any error it wraps. */
export function githubStatus(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === "number" && status >= 100) return status;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * GitHub refused the App itself, not the request: the repository is no longer in the
 * installation (404), the installation is suspended or lacks a permission (403), or it is gone
 * (401 for its tokens, 404 when minting). Asking again changes nothing until a person acts.
 */
export function isAccessRefusal(error: unknown): boolean {
  const status = githubStatus(error);
  if (status === 401 || status === 404) return true;
  if (status !== 403) return false;
  // A 403 with retry-after or a rate-limit message is a rate limit, which passes by itself.
  const message = String((error as { message?: unknown })?.message ?? "");
  return !/rate limit/i.test(message);
}

/**
 * The repository (`owner/name`, lower case) a refused REST request was about, from its URL;
 * null for GraphQL, whose one document may ask about several.
 */
export function refusedRepoOf(error: unknown): string | null {
  const url = (error as { request?: { url?: unknown } })?.request?.url;
  if (typeof url !== "string") return null;
  const match = /\/repos\/([^/?#]+)\/([^/?#]+)/.exec(url);
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : null;
}
