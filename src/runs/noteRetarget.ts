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
  deps: { store: RunStore },
): Promise<boolean> {
  const snapshot = await deps.store.get(record.runKey);
  if (!snapshot) return false;
  const { parent } = stackParent(snapshot, record.group);
  if (snapshot.run.groups.find((g) => g.name === parent)?.state !== undefined) return false;
  const updated = await deps.store.updateRun(record.runKey, (run) => {
    const group = run.groups.find((g) => g.name === record.group);
    if (!group || group.base === base) return null;
    return { ...run, groups: run.groups.map((g) => (g === group ? { ...g, base } : g)) };
  });
  return updated !== null;
}
