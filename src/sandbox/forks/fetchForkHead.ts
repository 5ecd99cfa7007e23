import { runGit } from "../git/runGit.js";
import type { SandboxPull, SandboxRepo, SandboxState } from "../state.js";
import { pullHeadRepo } from "./pullHeadRepo.js";

/**
 * Brings a fork PR's head commits into the base repository, at `refs/pull/N/head`, as GitHub's
 * shared fork storage makes them readable there: `sha`, or the head branch's tip.
 */
export async function fetchForkHead(
  state: SandboxState,
  repo: SandboxRepo,
  pull: SandboxPull,
  sha?: string,
): Promise<void> {
  const fork = pullHeadRepo(state, repo, pull);
  if (!fork) return;
  await runGit(repo.gitDir, [
    "fetch",
    "--quiet",
    "--no-tags",
    fork.gitDir,
    `+${sha ?? `refs/heads/${pull.head}`}:refs/pull/${pull.number}/head`,
  ]);
}
