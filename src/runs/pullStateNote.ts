/**
 * The line a group shows in the status comment once a person merged or closed its pull
 * request outside the run; null for an open one. Reopening clears it (see isPullStateNote).
 */
export function pullStateNote(pull: { state: "open" | "closed"; merged: boolean }): string | null {
  if (pull.merged) return MERGED;
  if (pull.state === "closed") return CLOSED;
  return null;
}

const MERGED = "its pull request was merged";
const CLOSED = "its pull request was closed; reopen it to have its review threads followed again";

/** Whether a group's note is one pullStateNote wrote (and a reopened PR should drop). */
export function isPullStateNote(note: string | undefined): boolean {
  return note === MERGED || note === CLOSED;
}
