import { Probot, type ProbotOctokit } from "probot";
import type { AppCredentials } from "../config/env.js";
import type { GitHubPort } from "../github/githubPort.js";
import { octokitGitHub } from "../github/octokitGitHub.js";
import { type ReviewThreadsClient, reviewThreadsClient } from "../github/reviewThreads.js";
import type { RateLimitReading } from "../queue/redisRateLimits.js";
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
  },
): GitHubApp {
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    secret: credentials.webhookSecret,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.Octokit ? { Octokit: options.Octokit } : {}),
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
  // Probot makes a new Octokit per call, so each gets its hook once.
  const installationOctokit = async (installationId: number) => {
    const octokit = await probot.auth(installationId);
    if (options.onRateLimit) watchRateLimit(octokit, installationId, options.onRateLimit);
    return octokit;
  };
  return {
    probot,
    appLogin,
    async forInstallation(installationId) {
      const [octokit, me] = await Promise.all([installationOctokit(installationId), appLogin()]);
      return octokitGitHub(octokit, me);
    },
    async reviewThreads(installationId) {
      return reviewThreadsClient(await installationOctokit(installationId));
    },
  };
}
