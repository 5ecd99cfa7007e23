import type { TaskStatus } from "../run.js";

// The circles follow the diagram's colours (grey, blue, yellow, orange) so the table and the diagram
// read the same; the end states get the marks people already know.
const labels: Record<TaskStatus, string> = {
  pending: "⚪ pending",
  ready: "🔵 ready",
  in_progress: "🟡 in progress",
  "needs-input": "🟠 waiting for an answer",
  complete: "✅ complete",
  failed: "❌ failed",
  cancelled: "🚫 cancelled",
};

export function taskStatusLabel(status: TaskStatus): string {
  return labels[status] ?? status;
}
