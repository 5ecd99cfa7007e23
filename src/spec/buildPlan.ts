import { groupBranch } from "./groupBranch.js";
import { priorities } from "./priorities.js";
import type { Task } from "./task.js";
import { topologicalOrder } from "./topologicalOrder.js";

/** A task of a plan: its priority is always set (computed, or the explicit one). */
export type PlannedTask = Task & { priority: number };

export interface PlanGroup {
  name: string;
  /** `orchestrate/<issue>-<group>`, with `N` for the issue when there is none yet */
  branch: string;
  /** Task ids in the order the spec lists them */
  tasks: string[];
}

export interface Plan {
  issue?: number;
  /** In the order the spec lists them */
  tasks: PlannedTask[];
  /** In the order the spec declares or first uses them */
  groups: PlanGroup[];
  /** Task ids in topological order, critical path first */
  order: string[];
}

/**
 * The plan for validated tasks (parseSpec or the planner): priorities, one branch per group and
 * a dispatch order. Pass `groups` to keep a declared group order; groups no task uses are
 * dropped (validation already rejected them for specs that declare groups).
 */
export function buildPlan(
  tasks: readonly Task[],
  opts: { issue?: number; groups?: readonly string[] } = {},
): Plan {
  const priority = priorities(tasks);
  const planned = tasks.map(
    (task): PlannedTask => ({ ...task, priority: priority.get(task.id) ?? 1 }),
  );
  const byGroup = new Map<string, string[]>();
  for (const name of opts.groups ?? []) byGroup.set(name, []);
  for (const task of planned) {
    const ids = byGroup.get(task.group);
    if (ids) ids.push(task.id);
    else byGroup.set(task.group, [task.id]);
  }
  const groups = [...byGroup]
    .filter(([, ids]) => ids.length > 0)
    .map(([name, ids]) => ({ name, branch: groupBranch(opts.issue, name), tasks: ids }));
  return {
    ...(opts.issue !== undefined ? { issue: opts.issue } : {}),
    tasks: planned,
    groups,
    order: topologicalOrder(planned).map((task) => task.id),
  };
}
