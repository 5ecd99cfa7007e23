import type { GroupRecord } from "./run.js";

/**
 * The group as its pull request's state leaves it — the one place that sets a group's state:
 * `merged` (its follow-up is over), `closed` without merge (shown with how to reopen it), or
 * open again (a reopened PR drops both the state and the note that said so).
 */
export function withPullState(
  group: GroupRecord,
  pull: { state: "open" | "closed"; merged: boolean },
): GroupRecord {
  if (pull.merged) return { ...group, state: "merged", note: MERGED };
  if (pull.state === "closed") return { ...group, state: "closed", note: closedNote(group.name) };
  if (group.state === undefined && !isPullStateNote(group)) return group;
  const { state: _state, ...open } = group;
  return isPullStateNote(group) ? { ...open, note: undefined } : open;
}

const MERGED = "its pull request was merged";

function closedNote(name: string): string {
  return `its pull request was closed without merge; comment \`/orchestrate reopen ${name}\` to reopen it and have it followed again`;
}

/** Whether the group's note is one withPullState wrote (and a reopened PR should drop). */
function isPullStateNote(group: GroupRecord): boolean {
  return group.note === MERGED || group.note === closedNote(group.name);
}
