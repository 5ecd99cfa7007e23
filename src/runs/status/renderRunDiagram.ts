import { renderMermaid } from "../../spec/renderMermaid.js";
import type { RunRecord, TaskRecord } from "../run.js";
import { plainText } from "./plainText.js";

/**
 * Mermaid's defaults, which GitHub keeps: past either, GitHub draws an error box instead of the
 * diagram, so it is better left out with a sentence that says why.
 */
const MERMAID_MAX_TEXT = 50_000;
const MERMAID_MAX_EDGES = 500;

export type RunDiagram = { markdown: string } | { omitted: string };

/**
 * The run's flowchart — a subgraph per group, a node per task coloured by status — through the
 * plan CLI's renderer, so the plan and the run draw the same picture. `tasks` come in reading
 * order; review-thread tasks get a 💬 like in the table.
 */
export function renderRunDiagram(run: RunRecord, tasks: readonly TaskRecord[]): RunDiagram {
  const ids = new Set(tasks.map((t) => t.id));
  const edges = tasks.reduce((n, t) => n + t.depends_on.filter((d) => ids.has(d)).length, 0);
  if (edges > MERMAID_MAX_EDGES) {
    return {
      omitted: `diagram omitted: ${edges} dependencies are more than GitHub draws in one diagram (${MERMAID_MAX_EDGES})`,
    };
  }
  // Every task needs its group's subgraph, including a group the run has no record of yet.
  const members = new Map<string, string[]>(run.groups.map((g) => [g.name, []]));
  for (const task of tasks) {
    const list = members.get(task.group);
    if (list) list.push(task.id);
    else members.set(task.group, [task.id]);
  }
  const groups = [...members]
    .filter(([, list]) => list.length > 0)
    .map(([name, list]) => ({ name: plainText(name), tasks: list }));
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  // plainText first: mermaidText drops C0/C1 controls, but not the Unicode separators and bidi
  // overrides that can reorder what a label shows.
  const markdown = renderMermaid({ tasks, groups }, status, {
    label: (t) => plainText(`${t.kind === "review-thread" ? "💬 " : ""}${t.id}: ${t.title}`),
  });
  if (markdown.length > MERMAID_MAX_TEXT) {
    return { omitted: "diagram omitted: too many tasks for one comment" };
  }
  return { markdown };
}
