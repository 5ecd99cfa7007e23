import { botLoginMatches } from "./botLoginMatches.js";
import type { TrackedPullRecord } from "./reviewStore.js";
import type { RunStore } from "./runStore.js";

/** Names kept per group: enough to say who, without the line growing with every push. */
const MAX_NAMES = 5;

/**
 * Someone other than the App pushed to a group's branch. Their commits are never rewritten:
 * every push of the App is a fast-forward, rebased onto the branch as it is, so later tasks
 * build on top of theirs. The group records who, for the status comment. Returns whether the
 * run changed (a first push by this login).
 */
export async function noteBranchEdit(
  pull: Pick<TrackedPullRecord, "runKey" | "group">,
  pusher: string,
  deps: { store: RunStore; appLogin: string },
): Promise<boolean> {
  if (botLoginMatches([deps.appLogin], pusher)) return false;
  let changed = false;
  await deps.store.updateRun(pull.runKey, (run) => {
    const group = run.groups.find((g) => g.name === pull.group);
    const known = group?.editedBy ?? [];
    if (!group || botLoginMatches(known, pusher) || known.length >= MAX_NAMES) return null;
    changed = true;
    return {
      ...run,
      updatedAt: new Date().toISOString(),
      groups: run.groups.map((g) => (g === group ? { ...g, editedBy: [...known, pusher] } : g)),
    };
  });
  return changed;
}
