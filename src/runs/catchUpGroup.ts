import type { RunStore } from "./runStore.js";

/**
 * Brings a group's branch up to date with its PR's base. PLACEHOLDER until the "base moved"
 * work lands (a merge of the base, or GitHub's update-branch, re-verified): for now it only
 * says in the status comment that the branch may be behind its new base.
 */
export async function catchUpGroup(
  key: string,
  groupName: string,
  deps: { store: RunStore },
): Promise<void> {
  await deps.store.updateRun(key, (run) => {
    const group = run.groups.find((g) => g.name === groupName);
    if (!group?.note || group.note.endsWith(BEHIND)) return null;
    return {
      ...run,
      groups: run.groups.map((g) => (g === group ? { ...g, note: `${g.note}${BEHIND}` } : g)),
    };
  });
}

const BEHIND =
  "; it may be behind its new base until it is brought up to date (Update branch on the pull request)";
