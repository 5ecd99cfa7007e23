import type { ProbotOctokit } from "probot";
import type { RateLimitReading } from "../queue/redisRateLimits.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type Headers = Record<string, string | number | undefined>;

/**
 * Reads GitHub's `x-ratelimit-*` headers off every response of an installation's Octokit, errors
 * included (a 403 for an exhausted limit says the most). A server without rate limits (some
 * GitHub Enterprise Servers) sends none, and nothing is reported.
 */
export function watchRateLimit(
  octokit: Octokit,
  installationId: number,
  report: (reading: RateLimitReading) => void,
): void {
  const read = (headers: Headers | undefined) => {
    const reading = readingOf(installationId, headers);
    if (reading) report(reading);
  };
  octokit.hook.after("request", (response) => read(response.headers as Headers));
  octokit.hook.error("request", (error) => {
    read((error as { response?: { headers?: Headers } }).response?.headers);
    throw error;
  });
}

function readingOf(installationId: number, headers: Headers | undefined): RateLimitReading | null {
  const number = (name: string) => {
    const value = Number(headers?.[name]);
    return headers?.[name] === undefined || !Number.isFinite(value) ? null : value;
  };
  const limit = number("x-ratelimit-limit");
  const remaining = number("x-ratelimit-remaining");
  const reset = number("x-ratelimit-reset");
  if (limit === null || remaining === null || reset === null) return null;
  const resource = String(headers?.["x-ratelimit-resource"] ?? "core");
  return { installationId, resource, limit, remaining, reset };
}
