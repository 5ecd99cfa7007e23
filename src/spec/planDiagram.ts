import { READABLE_NODES, withinMermaidLimits } from "./mermaidLimits.js";
import { renderGroupMermaid } from "./renderGroupMermaid.js";
import { renderMermaid } from "./renderMermaid.js";
import type { StatusLookup } from "./taskGraph.js";

export type PlanDiagram =
  | { kind: "tasks"; markdown: string }
  /** `note` says why the diagram shows groups, for a line beside it (and plan's warning) */
  | { kind: "groups"; markdown: string; note: string }
  | { kind: "none"; note: string };

/**
 * The diagram that reads at comment width and that GitHub will draw: a node per task up to
 * READABLE_NODES tasks (and within mermaid's limits), else a node per group, else none — with a
 * sentence saying which and why. The plan CLI and the status comment both draw through this.
 */
export function planDiagram<
  T extends { id: string; group: string; title: string; depends_on: readonly string[] },
>(
  plan: {
    tasks: readonly T[];
    groups: ReadonlyArray<{ name: string; tasks: readonly string[] }>;
  },
  statusById?: StatusLookup,
  opts: { label?: (task: T) => string } = {},
): PlanDiagram {
  const count = plan.tasks.length;
  let why = `${count} tasks are more than one diagram shows readably (${READABLE_NODES})`;
  if (count <= READABLE_NODES) {
    const markdown = renderMermaid(plan, statusById, opts);
    if (withinMermaidLimits(markdown)) return { kind: "tasks", markdown };
    why = `a diagram of the ${count} tasks is past mermaid's limits (50,000 characters, 500 arrows)`;
  }
  const groups = renderGroupMermaid(plan, statusById);
  if (withinMermaidLimits(groups)) {
    return {
      kind: "groups",
      markdown: groups,
      note: `The diagram shows ${plan.groups.length === 1 ? "the one group" : `the ${plan.groups.length} groups`}, not the tasks: ${why}.`,
    };
  }
  return {
    kind: "none",
    note: `No diagram: ${why}, and one of the ${plan.groups.length} groups is past mermaid's limits too.`,
  };
}
