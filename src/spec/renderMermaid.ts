import { isControlCode } from "./controlCharacter.js";
import { TASK_STATUSES } from "./task.js";
import { type StatusLookup, statusOf } from "./taskGraph.js";

/** GitHub's palette, so the diagram reads like the rest of the page in light mode. */
export const STATUS_STYLES: Record<(typeof TASK_STATUSES)[number], string> = {
  pending: "fill:#f6f8fa,stroke:#8c959f,color:#1f2328",
  ready: "fill:#ddf4ff,stroke:#54aeff,color:#0a3069",
  in_progress: "fill:#fff8c5,stroke:#d4a72c,color:#4d2d00",
  "needs-input": "fill:#fff1e5,stroke:#fb8f44,color:#762c00",
  complete: "fill:#dafbe1,stroke:#4ac26b,color:#116329",
  failed: "fill:#ffebe9,stroke:#ff8182,color:#82071e",
  cancelled: "fill:#eaeef2,stroke:#afb8c1,color:#57606a,stroke-dasharray:4 2",
};

const MAX_LABEL_CHARS = 80;

/**
 * A ```mermaid flowchart of the plan: a subgraph per group, a node per task, an arrow from each
 * dependency to what waits on it, and a colour per status. Node ids are generated (`t0`, `t1`…)
 * because task ids may hold characters mermaid treats as syntax; labels are quoted and every
 * character that could end a label or start markup is written as a mermaid entity (`#35;`).
 *
 * Takes any plan-shaped graph (a `Plan`, or a run's tasks and groups for the status comment);
 * `label` replaces the default `id: title` label text, which is escaped the same way.
 */
export function renderMermaid<
  T extends { id: string; title: string; depends_on: readonly string[] },
>(
  plan: {
    tasks: readonly T[];
    groups: ReadonlyArray<{ name: string; tasks: readonly string[] }>;
  },
  statusById?: StatusLookup,
  opts: { label?: (task: T) => string } = {},
): string {
  const label = opts.label ?? ((task: T) => `${task.id}: ${task.title}`);
  const node = new Map(plan.tasks.map((task, i) => [task.id, `t${i}`]));
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const lines = ["```mermaid", "flowchart TD"];
  plan.groups.forEach((group, g) => {
    lines.push(`  subgraph g${g}["${mermaidText(group.name)}"]`);
    for (const id of group.tasks) {
      const task = byId.get(id);
      if (task) lines.push(`    ${node.get(id)}["${mermaidText(label(task))}"]`);
    }
    lines.push("  end");
  });
  for (const task of plan.tasks) {
    for (const dep of task.depends_on) {
      const from = node.get(dep);
      if (from) lines.push(`  ${from} --> ${node.get(task.id)}`);
    }
  }
  for (const status of TASK_STATUSES) {
    lines.push(`  classDef ${statusClass(status)} ${STATUS_STYLES[status]}`);
  }
  const byStatus = new Map<string, string[]>();
  for (const task of plan.tasks) {
    const status = statusOf(statusById, task.id);
    const ids = byStatus.get(status) ?? [];
    ids.push(node.get(task.id) ?? "");
    byStatus.set(status, ids);
  }
  for (const [status, ids] of byStatus)
    lines.push(`  class ${ids.join(",")} ${statusClass(status)}`);
  lines.push("```");
  return lines.join("\n");
}

/** A status as a mermaid class name: letters and `_` only (`needs-input` is `needs_input`). */
export function statusClass(status: string): string {
  return status.replace(/-/g, "_");
}

/** Label text that cannot break out of `["…"]`, whatever the title holds. */
export function mermaidText(text: string): string {
  let flat = [...text]
    .map((ch) => (isControlCode(ch.charCodeAt(0)) ? " " : ch))
    .join("")
    .replace(/ {2,}/g, " ")
    .trim();
  if ([...flat].length > MAX_LABEL_CHARS)
    flat = `${[...flat].slice(0, MAX_LABEL_CHARS - 1).join("")}…`;
  return flat.replace(/["#<>&`[\]{}()|;\\*_~]/g, (ch) => `#${ch.charCodeAt(0)};`);
}
