import { BareRepo } from "./git/bareRepo.js";
import type { SandboxRepo, SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

/**
 * Brings pull requests in line with the branches after refs moved (a push, or the refs API):
 * a PR follows its head branch, threads on files the new commits touched become outdated, and
 * a PR whose head branch was deleted is closed, as on GitHub. Callers serialise per repository.
 */
export interface PullChanges {
  /** open pull requests whose head branch moved */
  moved: Array<{ number: number; before: string; after: string }>;
  /** pull requests closed because their head branch is gone */
  closed: number[];
}

export async function syncPulls(state: SandboxState, repo: SandboxRepo): Promise<PullChanges> {
  const changes: PullChanges = { moved: [], closed: [] };
  const git = new BareRepo(repo.gitDir);
  const heads = new Map((await git.branches()).map((b) => [b.name, b.sha]));
  repo.pushedAt = timestamp(state);
  for (const pull of repo.pulls.values()) {
    if (pull.state !== "open") continue;
    const baseSha = heads.get(pull.base);
    if (baseSha) pull.baseSha = baseSha;
    const headSha = heads.get(pull.head);
    const now = timestamp(state);
    if (!headSha) {
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
