interface RequestLike {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Probot hands the App's auth strategy a `request` without the Octokit's baseUrl: requests the
 * strategy makes on its own — a token refreshed with `auth({ type: "installation", refresh:
 * true })`, as the request gate does after a 401 — would go to api.github.com, not to a
 * GitHub Enterprise Server (or the sandbox). This points it at the same GitHub.
 */
export function authAtBaseUrl(options: Record<string, unknown>): Record<string, unknown> {
  const auth = options.auth as { request?: RequestLike } | undefined;
  const baseUrl = options.baseUrl;
  if (!auth?.request || typeof baseUrl !== "string") return {};
  return { auth: { ...auth, request: auth.request.defaults({ baseUrl }) } };
}
