import type { RunRecord, TaskRecord } from "../run.js";

/** The marker of a run the CI rounds left to a person (`needs-input` for that reason). */
export const CI_CAP_REASON = "CI still fails on";

/**
 * What CI makes of a run whose work is through, or null: an open group PR's head with a check
 * still running (`reviewing`, waiting) or failed (`reviewing` while fix rounds are left, else
 * `needs-input`: the PR needs a person), other than the App's own. A repository without CI,
 * or whose checks the App may not read, is not held; nor is a merged or closed PR. Asked only
 * once nothing else of the run is at work: one group's spent rounds never hold back another
 * group's tasks.
 */
export function ciHolds(
  run: RunRecord,
  tasks: readonly TaskRecord[],
): { state: "reviewing" | "needs-input"; reason: string } | null {
  const names = (list: string[] | undefined) =>
    (list ?? []).map((n) => `\`${n.replace(/`/g, "'")}\``).join(", ");
  let failed: { state: "reviewing" | "needs-input"; reason: string } | null = null;
  for (const group of run.groups) {
    const ci = group.ci;
    if (!ci || group.pull === null || group.state !== undefined) continue;
    if (ci.state === "pending") {
      return {
        state: "reviewing",
        reason: `waiting for CI on #${group.pull}: ${names(ci.pending)}`,
      };
    }
    if (ci.state !== "red" || failed?.state === "needs-input") continue;
    const rounds = tasks.filter((t) => t.group === group.name && t.kind === "ci-fix").length;
    const limit = run.config.limits.ci_rounds;
    failed =
      rounds >= limit
        ? {
            state: "needs-input",
            reason: `${CI_CAP_REASON} #${group.pull} after ${rounds} fix ${rounds === 1 ? "round" : "rounds"} (\`limits.ci_rounds\`: ${limit}): ${names(ci.failing)} failed — the pull request needs a person; once its CI is green the run goes on`,
          }
        : { state: "reviewing", reason: `CI failed on #${group.pull}: ${names(ci.failing)}` };
  }
  return failed;
}
