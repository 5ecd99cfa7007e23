import type { Plan } from "./buildPlan.js";
import { codeSpan, escapeTableCell } from "./escapeMarkdown.js";
import { planDiagram } from "./planDiagram.js";
import { type StatusLookup, statusOf } from "./taskGraph.js";

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface RenderPlanOptions {
  /** Characters this rendering may use; pass less when it shares a comment with other text. */
  maxChars?: number;
  /** The repository's settings a task without its own inherits, shown in "Runs with". */
  defaults?: TaskDefaults;
  /** Told when the diagram shows groups instead of tasks, or nothing, and why. */
  warn?: (line: string) => void;
}

/** What `.github/orchestrate.yml` gives a task that sets none itself. */
export interface TaskDefaults {
  verify?: string | undefined;
  race?: number | undefined;
}

/**
 * The plan as markdown: a mermaid diagram, then a table of every task. When the whole does not
 * fit the budget the diagram goes first (it is the part that grows fastest, and a half diagram
 * would show a wrong graph), replaced by a note; if the table alone is still too long its last
 * rows are cut, again with a note. Tasks are listed in dispatch order.
 */
export function renderPlanMarkdown(
  plan: Plan,
  statusById?: StatusLookup,
  opts: RenderPlanOptions = {},
): string {
  const maxChars = opts.maxChars ?? GITHUB_COMMENT_LIMIT;
  const rows = tableRows(plan, statusById, opts.defaults ?? {});
  const header = [
    "| Task | Group | Depends on | Priority | Status | Runs with |",
    "| --- | --- | --- | ---: | --- | --- |",
  ];
  const table = [...header, ...rows].join("\n");

  const chosen = planDiagram(plan, statusById);
  if (chosen.kind !== "tasks") opts.warn?.(chosen.note);
  const diagram =
    chosen.kind === "tasks"
      ? chosen.markdown
      : chosen.kind === "groups"
        ? `_${chosen.note}_\n\n${chosen.markdown}`
        : `_${chosen.note}_`;
  const full = `${diagram}\n\n${table}\n`;
  if (full.length <= maxChars) return full;

  const note = `_The diagram is left out: with ${plan.tasks.length} tasks it would not fit in a GitHub comment._`;
  opts.warn?.(note.slice(1, -1));
  const withoutDiagram = `${note}\n\n${table}\n`;
  if (withoutDiagram.length <= maxChars) return withoutDiagram;

  // Keep as many rows as fit, leaving room for the note that says how many were cut.
  const kept: string[] = [...header];
  let length = note.length + 2 + header.join("\n").length + 1;
  const cutNoteRoom = 120;
  for (const row of rows) {
    if (length + row.length + 1 + cutNoteRoom > maxChars) break;
    kept.push(row);
    length += row.length + 1;
  }
  const cut = rows.length - (kept.length - header.length);
  return `${note}\n\n${kept.join("\n")}\n\n_…and ${cut} more tasks, cut to fit a GitHub comment._\n`;
}

function tableRows(
  plan: Plan,
  statusById: StatusLookup | undefined,
  defaults: TaskDefaults,
): string[] {
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const inOrder = new Set(plan.order);
  const ordered = [
    ...plan.order.flatMap((id) => byId.get(id) ?? []),
    ...plan.tasks.filter((task) => !inOrder.has(task.id)),
  ];
  return ordered.map((task) => {
    const cells = [
      `${escapeTableCell(codeSpan(task.id))} ${escapeTableCell(task.title)}`,
      escapeTableCell(task.group),
      task.depends_on.map((dep) => escapeTableCell(codeSpan(dep))).join(", ") || "—",
      String(task.priority),
      statusOf(statusById, task.id).replace("_", " "),
      runsWith(task, defaults),
    ];
    return `| ${cells.join(" | ")} |`;
  });
}

/** The verify command, backend, model, effort and race a worker will use for the task ("—": none set). */
function runsWith(task: Plan["tasks"][number], defaults: TaskDefaults): string {
  const verify = task.verify ?? defaults.verify;
  const race = task.race ?? defaults.race ?? 1;
  const parts = [
    verify ? `verify ${escapeTableCell(codeSpan(verify))}` : "",
    task.backend ? `backend ${escapeTableCell(codeSpan(task.backend))}` : "",
    task.model ? `model ${escapeTableCell(codeSpan(task.model))}` : "",
    task.effort ? `effort ${escapeTableCell(codeSpan(task.effort))}` : "",
    race > 1 ? `race ${race}` : "",
  ].filter((part) => part !== "");
  return parts.join(", ") || "—";
}
