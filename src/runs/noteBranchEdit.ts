import { botLoginMatches } from "./botLoginMatches.js";
import type { TrackedPullRecord } from "./reviewStore.js";
import type { RunStore } from "./runStore.js";

/** Names kept per group: enough to say who, without the line growing with every push. */
const MAX_NAMES = 5;
/** A git author name is whatever its committer wrote (a login is at most 39 characters). */
const MAX_NAME_CHARS = 60;

/**
 * Someone other than the App pushed to a group's branch (a `pull_request.synchronize` webhook
 * names their login; a worker's push finds their commits by author name). Their commits are
 * never rewritten: every push of the App is a fast-forward, rebased onto the branch as it is,
 * so later tasks build on top of theirs. The group records who, for the status comment.
 * Returns whether the run changed (someone not yet named).
 */
export async function noteBranchEdit(
  pull: Pick<TrackedPullRecord, "runKey" | "group">,
  pushers: readonly string[],
  deps: { store: RunStore; appLogin: string },
): Promise<boolean> {
  const others = pushers
    .filter((p) => !botLoginMatches([deps.appLogin], p))
    .map((p) => p.trim().slice(0, MAX_NAME_CHARS))
    .filter((p) => p !== "");
  if (others.length === 0) return false;
  let changed = false;
  await deps.store.updateRun(pull.runKey, (run) => {
    const group = run.groups.find((g) => g.name === pull.group);
    if (!group) return null;
    const known = [...(group.editedBy ?? [])];
    for (const name of others) {
      if (known.length < MAX_NAMES && !botLoginMatches(known, name)) known.push(name);
    }
    if (known.length === (group.editedBy ?? []).length) return null;
    changed = true;
    return {
      ...run,
      updatedAt: new Date().toISOString(),
      groups: run.groups.map((g) => (g === group ? { ...g, editedBy: known } : g)),
    };
  });
  return changed;
}
