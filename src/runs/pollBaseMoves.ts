import type { GitHubPort } from "../github/githubPort.js";
import { type BaseMovedDeps, baseMoved } from "./baseMoved.js";
import type { BaseTipStore } from "./baseTipStore.js";

/**
 * The poll's half of noticing a moved base (the `push` webhook is the other, should a delivery
 * be lost): for each repository with followed PRs, one conditional read of its default branch.
 * GitHub answers 304 while it has not moved, which costs no rate limit and no GraphQL point;
 * a new tip catches the repository's group PRs up (see baseMoved). The first look only records.
 */
export async function pollBaseMoves(
  repos: ReadonlyArray<{ owner: string; repo: string }>,
  deps: Omit<BaseMovedDeps, "github"> & { github: GitHubPort; tips: BaseTipStore },
): Promise<void> {
  for (const repo of repos) {
    const name = `${repo.owner}/${repo.repo}`;
    const info = await deps.github.repoInfo(repo);
    const known = await deps.tips.get(name);
    const tip = await deps.github.branchTip(repo, info.defaultBranch, known?.etag ?? undefined);
    if (tip === null || tip.sha === known?.sha) continue;
    if (known) await baseMoved(repo, info.defaultBranch, deps);
    // Recorded once handled: a catch-up that threw is tried again by the next poll.
    await deps.tips.set(name, tip);
  }
}
