import type { GitHubPort } from "../github/githubPort.js";
import { type CatchUpDeps, catchUpGroup } from "./catchUpGroup.js";
import type { GroupRecord } from "./run.js";
import type { RunStore } from "./runStore.js";
import { stackPlaces } from "./stackParent.js";

/**
 * Moves the PRs stacked on a merged or closed group onto the default branch. GitHub retargets
 * them by itself only when the merged PR's head branch is deleted; otherwise they would stay
 * on a branch nobody merges, so Orchestrate retargets each (a person who already moved one
 * is followed), says so in the status comment and, for a parent closed without merge, in the
 * child PR too (its diff now carries the parent's work), then catches it up with its new base.
 * Safe to run again: a child is retargeted once, while its recorded base is its parent's branch.
 */
export async function restackChildren(
  key: string,
  deps: CatchUpDeps & { store: RunStore; github: GitHubPort; waitMs?: number },
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
    // An unknown base (a run rebuilt from GitHub, or recorded before bases were) is read.
    const on = (g: GroupRecord) => g.base === undefined || g.base === parent?.branch;
    if (!parent?.state || !on(child)) continue;
    defaultBranch ??= (await deps.github.repoInfo(repo)).defaultBranch;
    const pull = await deps.github.pull(repo, child.pull);
    if (pull.state !== "open") continue;
    if (pull.base === parent.branch) {
      await deps.github.updatePull(repo, child.pull, { base: defaultBranch });
    }
    // GitHub may have moved it already (the merged PR's branch deleted), or a person elsewhere:
    // a base a person chose is only recorded.
    const base = pull.base === parent.branch ? defaultBranch : pull.base;
    const onDefault = base === defaultBranch;
    const note = retargetNote(parent, base);
    const claimed = await deps.store.updateRun(key, (r) => {
      const now = r.groups.find((g) => g.name === child.name);
      if (!now || !on(now)) return null;
      const moved = onDefault ? { base, note } : { base };
      return { ...r, groups: r.groups.map((g) => (g === now ? { ...g, ...moved } : g)) };
    });
    if (!claimed || !onDefault) continue;
    moved += 1;
    if (parent.state === "closed") await deps.github.createComment(repo, child.pull, note);
    await catchUpSoon(key, child.name, deps);
  }
  return moved;
}

const TRIES = 5;

/**
 * A retargeted PR's mergeability is computed anew by GitHub, in the background: asked again a
 * few times, seconds apart. Past that the group's line says it may be behind, and the next move
 * of its base catches it up.
 */
export async function catchUpSoon(
  key: string,
  group: string,
  deps: CatchUpDeps & { store: RunStore; waitMs?: number },
): Promise<void> {
  for (let i = 1; i <= TRIES; i += 1) {
    if ((await catchUpGroup(key, group, deps)) !== "pending") return;
    if (i < TRIES) await new Promise((done) => setTimeout(done, i * (deps.waitMs ?? 1000)));
  }
  await deps.store.updateRun(key, (run) => {
    const now = run.groups.find((g) => g.name === group);
    if (!now?.note || now.note.endsWith(BEHIND)) return null;
    return {
      ...run,
      groups: run.groups.map((g) => (g === now ? { ...g, note: `${g.note}${BEHIND}` } : g)),
    };
  });
}

const BEHIND =
  "; it may be behind its new base until it is brought up to date (Update branch on the pull request)";

function retargetNote(parent: GroupRecord, base: string): string {
  return parent.state === "merged"
    ? `its base #${parent.pull} (${parent.name}) was merged: retargeted to \`${base}\``
    : `its base #${parent.pull} (${parent.name}) was closed without merge: retargeted to \`${base}\`, so its diff now carries ${parent.name}'s commits too`;
}
