import type { RunSnapshot } from "../run.js";
import { formatDuration } from "./formatDuration.js";
import { taskDuration } from "./taskDuration.js";

/** The totals of an ended run: what became of its tasks and what it cost in time. */
export function renderSummary({ run, tasks }: RunSnapshot, now: Date): string {
  const count = (...statuses: string[]) => tasks.filter((t) => statuses.includes(t.status)).length;
  const outcome = [`${count("complete")} complete`];
  if (count("failed") > 0) outcome.push(`${count("failed")} failed`);
  if (count("cancelled") > 0) outcome.push(`${count("cancelled")} cancelled`);
  const unrun = count("pending", "ready", "in_progress");
  if (unrun > 0) outcome.push(`${unrun} not run`);
  const attempts = tasks.reduce((n, t) => n + t.attempts, 0);
  const agentMs = tasks.reduce((n, t) => n + (taskDuration(t, now) ?? 0), 0);
  const wallMs = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
  return [
    "#### Summary",
    "",
    `- **Tasks:** ${tasks.length} — ${outcome.join(", ")}`,
    `- **Attempts:** ${attempts}`,
    `- **Agent time:** ${formatDuration(agentMs)}`,
    `- **Wall time:** ${Number.isFinite(wallMs) ? formatDuration(wallMs) : "—"}`,
  ].join("\n");
}
