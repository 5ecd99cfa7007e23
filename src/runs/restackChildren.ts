import type { GitHubPort } from "../github/githubPort.js";
import { catchUpGroup } from "./catchUpGroup.js";
import type { GroupRecord } from "./run.js";
import type { RunStore } from "./runStore.js";
import { stackPlaces } from "./stackParent.js";

/**
 * Moves the PRs stacked on a merged or closed group onto the default branch. GitHub retargets
 * them by itself only when the merged PR's head branch is deleted; otherwise they would stay
 * on a branch nobody merges, so Orchestrate retargets each (a person who already moved one
 * is followed), says so in the status comment and, for a parent closed without merge, in the
 * child PR too (its diff now carries the parent's work), then catches it up with its new base.
 * Safe to run again: a child is retargeted once, when its recorded base is its parent's branch.
 */
export async function restackChildren(
  key: string,
  deps: { store: RunStore; github: GitHubPort },
): Promise<number> {
  const snapshot = await deps.store.get(key);
  if (!snapshot || snapshot.run.state === "stopped") return 0;
  const { run } = snapshot;
  const repo = { owner: run.owner, repo: run.repo };
  let moved = 0;
  let defaultBranch: string | null = null;
  const places = stackPlaces(snapshot);
  for (const child of run.groups) {
    if (child.pull === null || child.state !== undefined) continue;
    const parent = run.groups.find((g) => g.name === places.get(child.name)?.parent);
    if (!parent?.state || child.base !== parent.branch) continue;
    defaultBranch ??= (await deps.github.repoInfo(repo)).defaultBranch;
    const pull = await deps.github.pull(repo, child.pull);
    if (pull.state !== "open") continue;
    const target = pull.base === parent.branch ? defaultBranch : pull.base;
    if (pull.base !== target) await deps.github.updatePull(repo, child.pull, { base: target });
    const note = retargetNote(parent, target);
    const claimed = await deps.store.updateRun(key, (r) => {
      const now = r.groups.find((g) => g.name === child.name);
      if (now?.base !== parent.branch) return null;
      return {
        ...r,
        groups: r.groups.map((g) => (g === now ? { ...g, base: target, note } : g)),
      };
    });
    if (!claimed) continue;
    moved += 1;
    if (parent.state === "closed") await deps.github.createComment(repo, child.pull, note);
    await catchUpGroup(key, child.name, deps);
  }
  return moved;
}

function retargetNote(parent: GroupRecord, base: string): string {
  return parent.state === "merged"
    ? `its base #${parent.pull} (${parent.name}) was merged: retargeted to \`${base}\``
    : `its base #${parent.pull} (${parent.name}) was closed without merge: retargeted to \`${base}\`, so its diff now carries ${parent.name}'s commits too`;
}
