import { planDiagram } from "../../spec/planDiagram.js";
import type { RunRecord, TaskRecord } from "../run.js";
import { plainText } from "./plainText.js";

export type RunDiagram = { markdown: string; kind: "tasks" | "groups" } | { omitted: string };

/**
 * The run's flowchart through the plan CLI's rules, so the plan and the run draw the same
 * picture: a node per task coloured by status (review-thread tasks get a 💬 like in the
 * table), or for a big run a node per group with its progress, always within mermaid's limits.
 * `tasks` come in reading order.
 */
export function renderRunDiagram(run: RunRecord, tasks: readonly TaskRecord[]): RunDiagram {
  // Every task needs its group's node, including a group the run has no record of yet.
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
  const diagram = planDiagram(
    { tasks: tasks.map((t) => ({ ...t, group: plainText(t.group) })), groups },
    status,
    { label: (t) => plainText(`${t.kind === "review-thread" ? "💬 " : ""}${t.id}: ${t.title}`) },
  );
  if (diagram.kind === "tasks") return { markdown: diagram.markdown, kind: "tasks" };
  if (diagram.kind === "groups") {
    return { markdown: `_${diagram.note}_\n\n${diagram.markdown}`, kind: "groups" };
  }
  return { omitted: diagram.note.replace(/\.$/, "") };
}
