import { mermaidText, STATUS_STYLES, statusClass } from "./renderMermaid.js";
import type { TaskStatus } from "./task.js";
import { type StatusLookup, statusOf } from "./taskGraph.js";

/**
 * A ```mermaid flowchart with one node per group — its name and progress ("12/30 complete ·
 * 1 failed") — and an arrow from a group to each group with a task that depends on one of its
 * tasks. For plans too big to read task by task; the colour is what needs attention first:
 * failed, then waiting for an answer, then running, then ready, else complete once all are.
 */
export function renderGroupMermaid(
  plan: {
    tasks: ReadonlyArray<{ id: string; group: string; depends_on: readonly string[] }>;
    groups: ReadonlyArray<{ name: string; tasks: readonly string[] }>;
  },
  statusById?: StatusLookup,
): string {
  const groupOf = new Map(plan.tasks.map((t) => [t.id, t.group]));
  const node = new Map(plan.groups.map((g, i) => [g.name, `g${i}`]));
  const lines = ["```mermaid", "flowchart TD"];
  const classes = new Map<TaskStatus, string[]>();
  for (const group of plan.groups) {
    const counts = new Map<TaskStatus, number>();
    for (const id of group.tasks) {
      const status = statusOf(statusById, id);
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    const n = (s: TaskStatus) => counts.get(s) ?? 0;
    const progress = [`${n("complete")}/${group.tasks.length} complete`];
    if (n("failed")) progress.push(`${n("failed")} failed`);
    if (n("in_progress")) progress.push(`${n("in_progress")} running`);
    if (n("needs-input")) progress.push(`${n("needs-input")} waiting for an answer`);
    if (n("cancelled")) progress.push(`${n("cancelled")} cancelled`);
    const id = node.get(group.name) ?? "";
    lines.push(`  ${id}["${mermaidText(group.name)}<br/>${mermaidText(progress.join(" · "))}"]`);
    const status: TaskStatus = n("failed")
      ? "failed"
      : n("needs-input")
        ? "needs-input"
        : n("in_progress")
          ? "in_progress"
          : n("ready")
            ? "ready"
            : n("complete") === group.tasks.length
              ? "complete"
              : n("pending")
                ? "pending"
                : "cancelled";
    classes.set(status, [...(classes.get(status) ?? []), id]);
  }
  const edges = new Set<string>();
  for (const task of plan.tasks) {
    for (const dep of task.depends_on) {
      const from = node.get(groupOf.get(dep) ?? "");
      const to = node.get(task.group);
      if (from && to && from !== to) edges.add(`  ${from} --> ${to}`);
    }
  }
  lines.push(...edges);
  for (const [status, ids] of classes) {
    lines.push(
      `  classDef ${statusClass(status)} ${STATUS_STYLES[status]}`,
      `  class ${ids.join(",")} ${statusClass(status)}`,
    );
  }
  lines.push("```");
  return lines.join("\n");
}
