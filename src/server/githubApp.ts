import { Probot, ProbotOctokit } from "probot";
import type { AppCredentials } from "../config/env.js";
import type { GitHubPort } from "../github/githubPort.js";
import { gitTokenMinter } from "../github/gitTokenMinter.js";
import { installationPermissions } from "../github/installationPermissions.js";
import { octokitGitHub } from "../github/octokitGitHub.js";
import { requestGate } from "../github/requestGate.js";
import { type ReviewThreadsClient, reviewThreadsClient } from "../github/reviewThreads.js";
import type { WriteBudget } from "../github/writeBudget.js";
import type { RateLimitReading } from "../queue/redisRateLimits.js";
import { authAtBaseUrl } from "./authAtBaseUrl.js";
import { watchRateLimit } from "./watchRateLimit.js";

export interface GitHubApp {
  probot: Probot;
  /** the bot's login, `<slug>[bot]`, asked of GitHub once */
  appLogin(): Promise<string>;
  forInstallation(installationId: number): Promise<GitHubPort>;
  reviewThreads(installationId: number): Promise<ReviewThreadsClient>;
}

/** The App's identity for job processors, which have no webhook context to borrow one from. */
export function githubApp(
  credentials: AppCredentials,
  options: {
    baseUrl?: string | undefined;
    Octokit?: typeof ProbotOctokit;
    log?: Probot["log"];
    logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | undefined;
    logFormat?: "json" | "pretty" | undefined;
    /** told GitHub's rate limit after every installation request (the operator's metrics) */
    onRateLimit?: (reading: RateLimitReading) => void;
    /** the installations' write budgets, shared by every process; none: no pacing */
    writeBudget?: WriteBudget | undefined;
  },
): GitHubApp {
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    secret: credentials.webhookSecret,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    Octokit: options.Octokit ?? productionOctokit(),
    ...(options.log ? { log: options.log } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logFormat ? { logFormat: options.logFormat } : {}),
  });
  let login: Promise<string> | null = null;
  const appLogin = () => {
    login ??= probot
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => `${data?.slug ?? "orchestrate"}[bot]`)
      .catch((error: unknown) => {
        login = null;
        throw error;
      });
    return login;
  };
  const guard = requestGate({ budget: options.writeBudget ?? null });
  // Probot makes a new Octokit per call, so each gets its hooks once.
  const installationOctokit = async (installationId: number) => {
    const octokit = await probot.auth(installationId);
    guard(octokit, installationId);
    if (options.onRateLimit) watchRateLimit(octokit, installationId, options.onRateLimit);
    return octokit;
  };
  const granted = installationPermissions(() => probot.auth());
  const gitToken = gitTokenMinter(() => probot.auth(), options.baseUrl, granted);
  return {
    probot,
    appLogin,
    async forInstallation(installationId) {
      const [octokit, me] = await Promise.all([installationOctokit(installationId), appLogin()]);
      return octokitGitHub(
        octokit,
        me,
        (repo, access) => gitToken(installationId, repo, access),
        () => granted(installationId),
      );
    },
    async reviewThreads(installationId) {
      return reviewThreadsClient(await installationOctokit(installationId));
    },
  };
}

/**
 * Probot's Octokit (retry and throttling plugins on), changed in what it retries by itself:
 *
 * - Rate limits are not waited for here: the request gate (requestGate.ts) paces writes across
 *   processes, retries a secondary-limit refusal after GitHub's `retry-after`, and turns a spent
 *   limit into a wait of the job. Here they are only logged.
 * - A 5xx answer to a write that creates something (a REST POST, a GraphQL mutation) is not
 *   retried in place, where @octokit/plugin-retry would POST it again: GitHub may have applied
 *   the write before the answer was lost, and a blind retry posts the comment or the reply
 *   twice. The call fails instead, and the job that made it is retried by its queue; those jobs
 *   look at GitHub before they write (the status comment by its marker, an answer by its
 *   delivery, a reply by the thread's comments, a PR by its branch, a check run by its
 *   external id). Reads and edits (GET, PATCH) are still retried in place.
 */
export function productionOctokit(): typeof ProbotOctokit {
  return ProbotOctokit.plugin(noBlindRetryOfCreation).defaults(
    (options: Record<string, unknown>) => ({
      ...options,
      ...authAtBaseUrl(options),
      throttle: {
        ...(options.throttle as object),
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          octokit: { log: { warn(message: string): void } },
        ) => {
          octokit.log.warn(
            `GitHub's secondary rate limit on ${request.method} ${request.url}: waiting ${retryAfter} s, as GitHub asks`,
          );
          return false;
        },
        onRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          octokit: { log: { warn(message: string): void } },
        ) => {
          octokit.log.warn(
            `GitHub's hourly request limit is spent (${request.method} ${request.url}); it resets in ${retryAfter} s`,
          );
          return false;
        },
      },
    }),
  );
}

function noBlindRetryOfCreation(octokit: {
  hook: { before(name: "request", hook: (options: RequestShape) => void): void };
}): void {
  octokit.hook.before("request", (options) => {
    if (createsSomething(options)) options.request = { ...options.request, retries: 0 };
  });
}

interface RequestShape {
  method?: string;
  url?: string;
  query?: unknown;
  request?: Record<string, unknown>;
}

function createsSomething(options: RequestShape): boolean {
  if (options.method !== "POST") return false;
  // A second installation token is as good as the first.
  if (/^\/app\/installations\/[^/]+\/access_tokens$/.test(options.url ?? "")) return false;
  // A GraphQL query is a read sent as a POST; only a mutation writes.
  if (typeof options.query === "string") return /^\s*mutation\b/.test(options.query);
  return true;
}
