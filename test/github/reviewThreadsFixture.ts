import { Probot, ProbotOctokit } from "probot";
import {
  type ReviewThreadsClient,
  type ReviewThreadsOctokit,
  reviewThreadsClient,
} from "../../src/github/reviewThreads.js";
import type { Sandbox } from "../../src/sandbox/sandbox.js";

// Test helpers: the app's side of review follow-up against a sandbox, through Probot's own
// installation Octokit (retry and throttling off, see STACK.md).

const TestOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { ...(o["throttle"] as object), enabled: false },
}));

export async function appOctokit(
  sandbox: Sandbox,
  installationId: number,
  baseUrl = sandbox.url,
): Promise<ProbotOctokit> {
  const probot = new Probot({
    appId: sandbox.appId,
    privateKey: sandbox.privateKey,
    secret: "s",
    baseUrl,
    Octokit: TestOctokit,
  });
  return probot.auth(installationId);
}

export async function appClient(
  sandbox: Sandbox,
  installationId: number,
  baseUrl?: string,
): Promise<{ client: ReviewThreadsClient; octokit: ProbotOctokit }> {
  const octokit = await appOctokit(sandbox, installationId, baseUrl);
  // Probot's Octokit is what production hands in: this assignment is the compatibility check.
  const port: ReviewThreadsOctokit = octokit;
  return { client: reviewThreadsClient(port), octokit };
}

/**
 * Pushes `branch` with a file of `lines` new lines and opens a PR for it as the app, so a
 * reviewer can comment on lines 1..lines of `path`.
 */
export async function openPull(
  sandbox: Sandbox,
  octokit: ProbotOctokit,
  o: { repo: string; branch: string; path?: string; lines?: number },
): Promise<{ number: number; path: string }> {
  const path = o.path ?? "src/change.ts";
  const lines = Array.from({ length: o.lines ?? 5 }, (_, i) => `export const v${i + 1} = ${i};`);
  await sandbox.commit(o.repo, {
    branch: o.branch,
    files: { [path]: `${lines.join("\n")}\n` },
    message: `Change on ${o.branch}`,
  });
  const [owner = "", repo = ""] = o.repo.split("/");
  const { data } = await octokit.rest.pulls.create({
    owner,
    repo,
    head: o.branch,
    base: "main",
    title: `Work on ${o.branch}`,
  });
  return { number: data.number, path };
}

/** GitHub's timestamps have whole seconds: wait until the next two have begun, so what was
 * just written reads as settled history to the next poll (see PullSeen.readAt). */
export function nextSeconds(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2_100 - (Date.now() % 1000)));
}

/** The GraphQL requests the sandbox received since `from`, with their query texts. */
export function graphqlSince(
  sandbox: Sandbox,
  from: number,
): Array<{ query: string; variables: Record<string, unknown>; cost: number }> {
  return sandbox.state.requests.slice(from).flatMap((r) => {
    if (r.operation !== "graphql" || typeof r.body !== "object" || r.body === null) return [];
    const body = r.body as { query?: unknown; variables?: unknown };
    if (typeof body.query !== "string") return [];
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    return [{ query: body.query, variables, cost: r.cost }];
  });
}
