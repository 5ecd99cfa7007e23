import type { RunRecord } from "../run.js";

/**
 * Why CI keeps a run from `done`, or null: an open group PR's head with a check still running
 * or failed (other than the App's own). A repository without CI, or whose checks the App may
 * not read, is not held; nor is a merged or closed PR.
 */
export function ciHolds(run: RunRecord): string | null {
  const names = (list: string[] | undefined) =>
    (list ?? []).map((n) => `\`${n.replace(/`/g, "'")}\``).join(", ");
  for (const group of run.groups) {
    const ci = group.ci;
    if (!ci || group.pull === null || group.state !== undefined) continue;
    if (ci.state === "pending") return `waiting for CI on #${group.pull}: ${names(ci.pending)}`;
    if (ci.state === "red") return `CI failed on #${group.pull}: ${names(ci.failing)}`;
  }
  return null;
}
