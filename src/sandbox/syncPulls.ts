import { fetchForkHead } from "./forks/fetchForkHead.js";
import { pullHeadRepo } from "./forks/pullHeadRepo.js";
import { BareRepo } from "./git/bareRepo.js";
import { type BranchMove, branchMoves } from "./pushEvent.js";
import type { SandboxPull, SandboxRepo, SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

/**
 * Brings pull requests in line with the branches after refs moved (a push, or the refs API):
 * a PR follows its head branch, threads on files the new commits touched become outdated, and
 * a PR whose head branch was deleted is closed, as on GitHub. A PR from a fork follows its
 * branch in the fork, whose commits are fetched into `refs/pull/N/head` of the base repository
 * (GitHub keeps that ref for every PR; the sandbox needs it where the commits live elsewhere).
 * Callers serialise per repository.
 */
export interface PullChanges {
  /** open pull requests whose head branch moved */
  moved: Array<{ number: number; before: string; after: string }>;
  /** pull requests closed because their head branch (or their base branch) is gone */
  closed: number[];
  /** open pull requests moved onto a merged PR's base when that PR's head branch was deleted */
  retargeted: Array<{ number: number; from: { ref: string; sha: string } }>;
  /** branches that moved (created, updated, deleted) since the last sync */
  branches: BranchMove[];
}

export async function syncPulls(state: SandboxState, repo: SandboxRepo): Promise<PullChanges> {
  const git = new BareRepo(repo.gitDir);
  const heads = new Map((await git.branches()).map((b) => [b.name, b.sha]));
  const changes: PullChanges = {
    moved: [],
    closed: [],
    retargeted: [],
    branches: branchMoves(repo, heads),
  };
  const forkHeads = new Map<number, Map<string, string>>();
  const headOf = async (pull: SandboxPull): Promise<string | null | undefined> => {
    if (pull.headRepoId === undefined) return heads.get(pull.head);
    const fork = pullHeadRepo(state, repo, pull);
    // A deleted fork: the PR stays as it was, from an unknown repository.
    if (!fork) return null;
    let branches = forkHeads.get(fork.id);
    if (!branches) {
      branches = new Map((await new BareRepo(fork.gitDir).branches()).map((b) => [b.name, b.sha]));
      forkHeads.set(fork.id, branches);
    }
    return branches.get(pull.head);
  };
  repo.pushedAt = timestamp(state);
  for (const pull of repo.pulls.values()) {
    if (pull.state !== "open") continue;
    const from = { ref: pull.base, sha: pull.baseSha ?? "" };
    if (!heads.has(pull.base) && retargetOnDeletedBase(repo, pull, heads)) {
      changes.retargeted.push({ number: pull.number, from });
    }
    const baseSha = heads.get(pull.base);
    if (baseSha) pull.baseSha = baseSha;
    const headSha = await headOf(pull);
    if (headSha === null) continue;
    const now = timestamp(state);
    if (!headSha || !baseSha) {
      pull.state = "closed";
      pull.closedAt = now;
      pull.updatedAt = now;
      const issue = repo.issues.get(pull.number);
      if (issue) {
        issue.state = "closed";
        issue.closedAt = now;
        issue.updatedAt = now;
      }
      changes.closed.push(pull.number);
      continue;
    }
    if (headSha === pull.headSha) continue;
    if (pull.headRepoId !== undefined) await fetchForkHead(state, repo, pull, headSha);
    const changed = new Set(await git.changedPaths(pull.headSha, headSha));
    for (const thread of repo.threads.values()) {
      if (thread.pullNumber === pull.number && changed.has(thread.path)) {
        // GitHub reports no current line for an outdated thread; comments keep originalLine
        thread.isOutdated = true;
        thread.line = null;
      }
    }
    changes.moved.push({ number: pull.number, before: pull.headSha, after: headSha });
    pull.headSha = headSha;
    pull.updatedAt = now;
  }
  return changes;
}

/**
 * GitHub's documented rule: when the head branch of a merged pull request is deleted, the open
 * pull requests based on that branch are retargeted to the merged PR's base. A base branch
 * deleted otherwise closes the PRs on it (left to the caller). True when it retargeted.
 */
function retargetOnDeletedBase(
  repo: SandboxRepo,
  pull: SandboxPull,
  heads: Map<string, string>,
): boolean {
  const merged = [...repo.pulls.values()].find(
    (p) => p.merged && p.headRepoId === undefined && p.head === pull.base && heads.has(p.base),
  );
  if (!merged) return false;
  pull.base = merged.base;
  return true;
}
