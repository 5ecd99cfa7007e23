import type { RunRecord } from "./run.js";

/**
 * Whether `after` differs from `before` in anything but the app's own bookkeeping — the status
 * comment's id and digest, the check runs it wrote. Only such a change moves the run's
 * `updatedAt`: the status comment shows it, so bookkeeping that moved it would make every
 * publish an edit that changes nothing but a timestamp.
 */
export function showsChange(before: RunRecord, after: RunRecord): boolean {
  return JSON.stringify(shown(before)) !== JSON.stringify(shown(after));
}

function shown(run: RunRecord): unknown {
  const { statusCommentId: _id, statusDigest: _digest, updatedAt: _at, ...rest } = run;
  return { ...rest, groups: run.groups.map(({ checkRun: _check, ...g }) => g) };
}
