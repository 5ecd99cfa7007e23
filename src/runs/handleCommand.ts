import { parse as parseYaml } from "yaml";
import { ConfigError } from "../config/configError.js";
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfig } from "../config/repoConfig.js";
import { type GitHubPort, type RepoCoordinates, WRITE_PERMISSIONS } from "../github/githubPort.js";
import type { CommandJob } from "../queue/eventJob.js";
import { answerOnce } from "./answerOnce.js";
import { commandHelp } from "./parseCommand.js";
import { refusalMessage } from "./refusal.js";
import type { RunLifecycle } from "./runLifecycle.js";

export interface CommandDeps {
  github: GitHubPort;
  lifecycle: RunLifecycle;
}

/**
 * One command (label, `/orchestrate …` comment, checkbox tick) from the events queue: check the
 * sender's permission first — a refused sender changes nothing but gets one polite answer —
 * then act. Safe to run twice for one delivery (BullMQ delivers at least once).
 */
export async function handleCommand(job: CommandJob, deps: CommandDeps): Promise<void> {
  const repo: RepoCoordinates = { owner: job.owner, repo: job.repo };
  const answer = (body: string) =>
    answerOnce(deps.github, repo, job.issueNumber, job.deliveryId, body);
  const permission = await deps.github.permissionOf(repo, job.sender);
  if (!WRITE_PERMISSIONS.has(permission)) {
    if (job.command === "answer") return; // an ordinary comment from a reader: not ours to answer
    if (job.via === "edit") {
      // The issue's author may edit it without being allowed to steer the run.
      await answer(
        `@${job.sender}, you edited this issue's spec, but only people with write access to the repository can change a run's plan, so the run goes on with the plan it has. A maintainer can comment \`/orchestrate replan\` to plan the edited spec.`,
      );
      return;
    }
    await answer(refusalMessage(job.sender, permission));
    return;
  }
  if (job.argument?.startsWith("?")) {
    await answer(
      `@${job.sender}, \`/orchestrate ${job.argument.slice(1)}\` is not a command I know. I understand:\n\n${commandHelp}`,
    );
    return;
  }
  const needsConfig =
    job.command === "start" ||
    job.command === "answer" ||
    job.command === "approve" ||
    job.command === "replan";
  let config: RepoConfig | null = job.configErrors ? null : parseRepoConfig(job.config);
  if (needsConfig && job.configErrors) {
    const reread = await rereadConfig(deps.github, repo);
    if ("config" in reread) config = reread.config;
    else {
      await answer(
        [
          "Orchestrate could not read this repository's `.github/orchestrate.yml`, so nothing was started:",
          "",
          ...(reread.errors ?? job.configErrors).map((e) => `- ${e}`),
          "",
          "Fix the file on the default branch, then comment `/orchestrate` again. The configuration keys are listed in Orchestrate's README.",
        ].join("\n"),
      );
      return;
    }
  }
  config ??= parseRepoConfig(job.config);
  const target = { ...repo, issueNumber: job.issueNumber, installationId: job.installationId };
  const acknowledge = async () => {
    if (job.via === "comment" && job.commentId && job.command !== "answer") {
      await deps.github.reactToComment(repo, job.commentId, "eyes");
    }
  };
  // A stop acts first: the 👀 is a write, and when GitHub's write budget is spent it waits
  // (up to a minute), which a stop must not.
  if (job.command !== "stop") await acknowledge();
  // Redis may have lost the run: any command first rebuilds it from GitHub (a trigger on a
  // rebuilt run that is still active then only refreshes it, as for any active run).
  await deps.lifecycle.recover(target, config);
  switch (job.command) {
    case "start":
      if (job.via === "label") await deps.github.reactToIssue(repo, job.issueNumber, "rocket");
      await deps.lifecycle.start(target, job.sender, config, job.isPullRequest, job.deliveryId);
      return;
    case "answer":
      await deps.lifecycle.answer(target, job.sender, config, job.text ?? "");
      return;
    case "approve":
      await deps.lifecycle.approve(target, job.sender);
      return;
    case "stop":
      await deps.lifecycle.stop(target, job.sender, job.deliveryId);
      await acknowledge();
      return;
    case "retry":
      await deps.lifecycle.retry(target, job.sender, job.argument, job.deliveryId);
      return;
    case "status":
      await deps.lifecycle.refresh(target);
      return;
    case "reopen":
      await deps.lifecycle.reopen(target, job.sender, job.argument, job.deliveryId);
      return;
    case "replan":
      await deps.lifecycle.replan(target, job.sender, job.via === "edit", job.deliveryId);
      return;
  }
}

/**
 * The webhook reads `.github/orchestrate.yml` while GitHub waits for its answer, and cannot
 * retry: when GitHub failed that read (a 5xx, a secondary rate limit, the token), the job
 * arrives with errors that say nothing about the file. Read it once more here, where a GitHub
 * failure throws and the queue retries the job, so a passing fault does not refuse a run whose
 * config is fine. Probot's lookup: the repository's file, else the owner's `.github`
 * repository's. A file with `_extends` is Probot's to merge: its first errors stand (`errors`
 * null).
 */
async function rereadConfig(
  github: GitHubPort,
  repo: RepoCoordinates,
): Promise<{ config: RepoConfig } | { errors: string[] | null }> {
  const text =
    (await github.fileContent(repo, REPO_CONFIG_PATH)) ??
    (await github.fileContent({ owner: repo.owner, repo: ".github" }, REPO_CONFIG_PATH));
  let raw: unknown;
  try {
    raw = text === null ? {} : parseYaml(text);
  } catch (error) {
    return {
      errors: [`the file could not be read as YAML: ${(error as Error).message.split("\n")[0]}`],
    };
  }
  if (raw && typeof raw === "object" && "_extends" in raw) return { errors: null };
  try {
    return { config: parseRepoConfig(raw) };
  } catch (error) {
    if (error instanceof ConfigError) return { errors: error.issues };
    throw error;
  }
}
