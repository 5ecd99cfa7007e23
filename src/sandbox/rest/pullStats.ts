import { BareRepo } from "../git/bareRepo.js";
import type { DiffFile } from "../git/parseDiff.js";
import type { PullStats } from "../shapes/pullJson.js";
import type { SandboxPull, SandboxRepo } from "../state.js";

/** The two commits a pull request compares: the base branch now, and the PR's head. */
export async function pullEnds(repo: SandboxRepo, pull: SandboxPull) {
  const git = new BareRepo(repo.gitDir);
  const base = (await git.resolve(`refs/heads/${pull.base}`)) ?? pull.baseSha ?? pull.headSha;
  return { git, base, head: pull.headSha };
}

export async function pullFiles(repo: SandboxRepo, pull: SandboxPull): Promise<DiffFile[]> {
  const { git, base, head } = await pullEnds(repo, pull);
  return git.diff(base, head);
}

/** additions/deletions/changed_files/commits of the full pull-request object. */
export async function pullStats(repo: SandboxRepo, pull: SandboxPull): Promise<PullStats> {
  const { git, base, head } = await pullEnds(repo, pull);
  const files = await git.diff(base, head);
  return {
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: files.length,
    commits: await git.commitCount(base, head),
  };
}
