import { ProbotOctokit } from "probot";
import { authAtBaseUrl } from "./authAtBaseUrl.js";

/**
 * Probot's Octokit without its retry and throttling plugins' waits, for a GitHub that has no
 * rate limits to respect (the simulator, or a GHES with them off). The function form is needed,
 * or Probot's own throttle settings win.
 */
export function unthrottledOctokit(): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    ...authAtBaseUrl(options),
    retry: { enabled: false },
    throttle: { ...(options.throttle as object), enabled: false },
  }));
}
