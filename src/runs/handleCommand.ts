import { parseRepoConfig, type RepoConfig } from "../config/repoConfig.js";
import { type GitHubPort, type RepoCoordinates, WRITE_PERMISSIONS } from "../github/githubPort.js";
import type { CommandJob } from "../queue/eventJob.js";
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
  const permission = await deps.github.permissionOf(repo, job.sender);
  if (!WRITE_PERMISSIONS.has(permission)) {
    if (job.command === "answer") return; // an ordinary comment from a reader: not ours to answer
    await deps.github.createComment(repo, job.issueNumber, refusalMessage(job.sender, permission));
    return;
  }
  if (job.argument?.startsWith("?")) {
    await deps.github.createComment(
      repo,
      job.issueNumber,
      `@${job.sender}, \`/orchestrate ${job.argument.slice(1)}\` is not a command I know. I understand:\n\n${commandHelp}`,
    );
    return;
  }
  const needsConfig =
    job.command === "start" || job.command === "answer" || job.command === "approve";
  if (needsConfig && job.configErrors) {
    await deps.github.createComment(
      repo,
      job.issueNumber,
      [
        "Orchestrate could not read this repository's `.github/orchestrate.yml`, so nothing was started:",
        "",
        ...job.configErrors.map((e) => `- ${e}`),
        "",
        "Fix the file on the default branch, then comment `/orchestrate` again. The configuration keys are listed in Orchestrate's README.",
      ].join("\n"),
    );
    return;
  }
  const config: RepoConfig = parseRepoConfig(job.config);
  const target = { ...repo, issueNumber: job.issueNumber, installationId: job.installationId };
  if (job.via === "comment" && job.commentId && job.command !== "answer") {
    await deps.github.reactToComment(repo, job.commentId, "eyes");
  }
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
      await deps.lifecycle.stop(target, job.sender);
      return;
    case "retry":
      await deps.lifecycle.retry(target, job.sender, job.argument);
      return;
    case "status":
      await deps.lifecycle.refresh(target);
      return;
  }
}
