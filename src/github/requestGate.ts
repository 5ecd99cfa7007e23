import { setTimeout as sleep } from "node:timers/promises";
import type { ProbotOctokit } from "probot";
import { GitHubWaitError } from "./githubWaitError.js";
import type { WriteBudget } from "./writeBudget.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type Headers = Record<string, string | number | undefined>;

interface RequestOptions {
  method?: string;
  url?: string;
  query?: unknown;
  request?: { orchestrateNotice?: boolean } & Record<string, unknown>;
}

interface Failure {
  status?: number;
  response?: { headers?: Headers };
}

export interface RequestGateOptions {
  /** writes shared across processes; null: a GitHub without content limits */
  budget: WriteBudget | null;
  /** the share of the hour's requests (REST) or points (GraphQL) kept for status notices */
  reserveShare?: number;
  /** the longest one request waits in place; a longer wait becomes a GitHubWaitError */
  maxWaitMs?: number;
  /** how often a secondary-limit refusal is tried again in place, after GitHub's retry-after */
  secondaryRetries?: number;
}

/**
 * What every request of an installation goes through, in every process:
 * - a content-generating request takes its turn from the installation's shared write budget,
 *   waiting in place for the spacing or the minute's window, or failing with GitHubWaitError
 *   when the hour's budget is spent (the job waits, and its run says so);
 * - the last 1% of the primary limit's requests (5 at least) is kept for status notices, and a spent
 *   limit becomes a GitHubWaitError until GitHub's reset, never a retry loop;
 * - a secondary-limit refusal (GitHub acted on nothing) is tried again after `retry-after`;
 * - a 401 (the installation token expired or was revoked under a long job) gets a fresh token
 *   and one more try.
 * A request made with `request: { orchestrateNotice: true }` is a status notice.
 */
export function requestGate(options: RequestGateOptions) {
  const reserveShare = options.reserveShare ?? 0.01;
  const maxWaitMs = options.maxWaitMs ?? 65_000;
  const secondaryRetries = options.secondaryRetries ?? 3;
  // What GitHub last said of each installation's limits, per resource: every response carries
  // the installation's own count, whichever process sent it.
  const seen = new Map<string, { limit: number; remaining: number; reset: number }>();

  return function guard(octokit: Octokit, installationId: number): void {
    octokit.hook.wrap("request", async (request, raw) => {
      const o = raw as RequestOptions;
      const notice = o.request?.orchestrateNotice === true;
      const resource = /\/graphql$/.test(o.url ?? "") ? "graphql" : "core";
      const limit = seen.get(`${installationId}:${resource}`);
      const reserve = limit ? Math.max(5, Math.ceil(limit.limit * reserveShare)) : 0;
      // A notice may spend the reserve, but nothing is sent once nothing is left.
      const held = notice ? limit?.remaining === 0 : (limit?.remaining ?? reserve + 1) <= reserve;
      if (limit && held && limit.reset * 1000 + 1000 > Date.now()) {
        throw new GitHubWaitError("requests", limit.reset * 1000 + 1000);
      }
      if (options.budget && isWrite(o)) await takeTurn(options.budget, installationId, notice);
      let refreshed = false;
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await request(raw as never);
          note(installationId, response.headers as Headers);
          return response;
        } catch (error) {
          const failure = error as Failure;
          const headers = failure.response?.headers;
          note(installationId, headers);
          if (isSpent(failure)) {
            // A second past GitHub's reset (whole seconds, on GitHub's clock, not ours).
            const reset = Number(headers?.["x-ratelimit-reset"]) * 1000 + 1000;
            throw new GitHubWaitError("requests", Math.max(reset, Date.now() + 1000), {
              cause: error,
            });
          }
          const retryAfter = secondaryWait(failure);
          if (retryAfter !== null) {
            if (attempt >= secondaryRetries || retryAfter > maxWaitMs) {
              throw new GitHubWaitError("writes", Date.now() + retryAfter, { cause: error });
            }
            await sleep(retryAfter);
            continue;
          }
          if (failure.status === 401 && !refreshed) {
            refreshed = true;
            await octokit.auth({ type: "installation", refresh: true });
            continue;
          }
          throw error;
        }
      }
    });
  };

  async function takeTurn(budget: WriteBudget, installationId: number, notice: boolean) {
    for (;;) {
      const { waitMs, hourly } = await budget.take(installationId, notice);
      if (waitMs === 0) return;
      if (hourly || waitMs > maxWaitMs) throw new GitHubWaitError("writes", Date.now() + waitMs);
      await sleep(waitMs);
    }
  }

  function note(installationId: number, headers: Headers | undefined): void {
    const read = (name: string) =>
      headers?.[name] === undefined ? Number.NaN : Number(headers[name]);
    const [limit, remaining, reset] = ["limit", "remaining", "reset"].map((n) =>
      read(`x-ratelimit-${n}`),
    ) as [number, number, number];
    if (![limit, remaining, reset].every(Number.isFinite)) return;
    const resource = String(headers?.["x-ratelimit-resource"] ?? "core");
    seen.set(`${installationId}:${resource}`, { limit, remaining, reset });
  }
}

/** A content-generating request: a REST write, or a GraphQL mutation. */
function isWrite(o: RequestOptions): boolean {
  const method = (o.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  // Revoking its own token creates nothing on GitHub.
  if (method === "DELETE" && /\/installation\/token$/.test(o.url ?? "")) return false;
  if (typeof o.query === "string") return /^\s*mutation\b/.test(o.query);
  return true;
}

/** GitHub's primary limit spent: 403 or 429 with nothing remaining. */
function isSpent(failure: Failure): boolean {
  const headers = failure.response?.headers;
  return (
    (failure.status === 403 || failure.status === 429) &&
    headers?.["x-ratelimit-remaining"] !== undefined &&
    Number(headers["x-ratelimit-remaining"]) === 0 &&
    Number.isFinite(Number(headers["x-ratelimit-reset"]))
  );
}

/** A secondary-limit refusal's wait in ms (GitHub's `retry-after`, or a minute without one). */
function secondaryWait(failure: Failure): number | null {
  if (failure.status !== 403 && failure.status !== 429) return null;
  const message = String((failure as { message?: unknown }).message ?? "");
  const retryAfter = failure.response?.headers?.["retry-after"];
  if (retryAfter === undefined && !/secondary rate limit/i.test(message)) return null;
  const seconds = Number(retryAfter);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}
