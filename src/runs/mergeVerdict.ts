import type { RunRecord } from "./run.js";

/**
 * What the run waits for once its work is through and its threads are resolved, from its
 * groups' pull requests: one closed without merge holds it (reopening is a person's call), and
 * with `done_when: merged` every group's PR must be merged. Null when nothing holds it.
 */
export function mergeVerdict(run: RunRecord): { state: "reviewing"; reason: string } | null {
  const closed = run.groups.filter((g) => g.state === "closed");
  if (closed.length > 0) {
    const names = closed.map((g) => `#${g.pull} (${g.name})`).join(", ");
    const first = closed[0]?.name ?? "";
    return {
      state: "reviewing",
      reason: `closed without merge: ${names}; \`/orchestrate reopen ${first}\` opens it again, \`/orchestrate stop\` ends the run`,
    };
  }
  if (run.config.done_when !== "merged") return null;
  const open = run.groups.filter((g) => g.state !== "merged");
  if (open.length === 0) return null;
  return {
    state: "reviewing",
    reason: `waiting for ${open.length === 1 ? "its pull request" : "pull requests"} to be merged (\`done_when: merged\`): ${open.map((g) => `#${g.pull} (${g.name})`).join(", ")}`,
  };
}
