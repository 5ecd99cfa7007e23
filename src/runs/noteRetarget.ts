import type { GitHubPort } from "../github/githubPort.js";
import type { TrackedPullRecord } from "./reviewStore.js";
import type { RunStore } from "./runStore.js";
import { stackParent } from "./stackParent.js";

/**
 * A followed PR was moved onto another base (`pull_request.edited` with `changes.base`): its
 * group records the base, so the status comment no longer shows it stacked where it is not.
 * A move that follows its stack parent's merge or close is left to restackChildren, which
 * notes it and catches the branch up. True when the group changed.
 */
export async function noteRetarget(
  record: Pick<TrackedPullRecord, "runKey" | "group">,
  base: string,
  deps: { store: RunStore; github: GitHubPort },
): Promise<boolean> {
  const snapshot = await deps.store.get(record.runKey);
  if (!snapshot) return false;
  const { run } = snapshot;
  const parent = run.groups.find((g) => g.name === stackParent(snapshot, record.group).parent);
  if (parent && parent.state !== undefined) return false;
  // GitHub's own retarget after the parent's merge may come before the run hears of the merge.
  if (parent?.pull) {
    const pull = await deps.github.pull({ owner: run.owner, repo: run.repo }, parent.pull);
    if (pull.state !== "open") return false;
  }
  const updated = await deps.store.updateRun(record.runKey, (run) => {
    const group = run.groups.find((g) => g.name === record.group);
    if (!group || group.base === base) return null;
    return { ...run, groups: run.groups.map((g) => (g === group ? { ...g, base } : g)) };
  });
  return updated !== null;
}
