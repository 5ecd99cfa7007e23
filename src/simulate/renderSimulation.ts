import type { SimulationResult } from "./simulationResult.js";

/** The readable summary `orchestrate simulate` prints without --json. */
export function renderSimulation(r: SimulationResult): string {
  // simulate stops a run it gives up on itself (as a maintainer would): said as such, not as
  // the stop's "stopped by @…".
  const reason =
    r.run.stopped === "timeout"
      ? "simulate's --timeout ran out"
      : r.run.stopped === "aborted"
        ? "simulate was interrupted"
        : r.run.reason;
  const lines = [`Run ${r.run.state}${reason ? ` — ${reason}` : ""}`, ""];
  for (const error of r.run.errors) lines.push(`  error: ${error}`);
  for (const question of r.run.questions) lines.push(`  question: ${question}`);
  if (r.run.errors.length + r.run.questions.length > 0) lines.push("");
  if (r.tasks.length > 0) {
    lines.push("Tasks:");
    const width = Math.max(...r.tasks.map((t) => t.id.length), 4);
    for (const t of r.tasks) {
      const commit = t.commit ? t.commit.slice(0, 7) : "-";
      lines.push(
        `  ${t.id.padEnd(width)}  ${t.group.padEnd(12)} ${t.status.padEnd(11)} attempts ${t.attempts}  ${t.backend ?? "-"}  ${commit}`,
      );
    }
    lines.push("");
  }
  // Why each failed task failed: the summary, the end of its output, and where the rest is.
  for (const t of r.tasks) {
    if (t.error === null) continue;
    const [summary = "", ...output] = t.error.split("\n");
    lines.push(`Task ${t.id} failed: ${summary}`);
    for (const line of output.slice(-20)) lines.push(`  | ${line}`);
    if (t.log) lines.push(`  whole output of its last attempt: ${t.log}`);
    lines.push("");
  }
  if (r.logs) lines.push(`Agent logs kept in ${r.logs}`, "");
  lines.push("Branches:");
  for (const b of r.branches) lines.push(`  ${b.name}  ${b.head.slice(0, 7)}`);
  lines.push("");
  if (r.pulls.length > 0) {
    lines.push("Pull requests:");
    // The simulated repository's default branch.
    const defaultBranch = "main";
    for (const p of r.pulls) {
      // Only what differs from a plain open PR on the default branch is said.
      const extra = [
        p.base !== defaultBranch ? `on ${p.base}` : null,
        p.state !== "open" ? p.state : null,
        p.ci
          ? `CI ${p.ci.state}${p.ci.failing.length > 0 ? `: ${p.ci.failing.join(", ")}` : ""}`
          : null,
      ].filter((x) => x !== null);
      lines.push(
        `  #${p.number}  ${p.branch}  (${p.files.length} file${p.files.length === 1 ? "" : "s"}: ${p.files.join(", ")})${extra.map((x) => `  ${x}`).join("")}`,
      );
    }
    lines.push("");
  }
  if (r.threads.length > 0) {
    const resolved = r.threads.filter((t) => t.isResolved).length;
    lines.push(`Review threads: ${resolved} of ${r.threads.length} resolved`);
    for (const t of r.threads) {
      lines.push(
        `  #${t.pull} ${t.path}:${t.line ?? "-"} by ${t.author} — ${t.isResolved ? "resolved" : "open"}, ${t.replies.length} repl${t.replies.length === 1 ? "y" : "ies"}`,
      );
    }
    lines.push("");
  }
  lines.push(`GitHub: ${r.github.requests} requests, ${r.github.graphqlPoints} GraphQL points`);
  return `${lines.join("\n")}\n`;
}
