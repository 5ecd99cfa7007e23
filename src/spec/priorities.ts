import { type DagTask, dependencyOrder, taskGraph } from "./taskGraph.js";

/**
 * Critical-path-first priorities: a task's priority is the amount of work on the longest chain
 * of tasks that waits on it, counting the task itself (each task weighs 1). A task nothing waits
 * on has priority 1; a task three others wait on in a row has priority 4.
 *
 * An explicit `priority` on a task replaces its computed value, and the tasks it waits on are
 * computed from that value (1 + the highest priority among their dependants). So an urgent task
 * lifts its whole prerequisite chain, and a dependency still outranks what waits on it.
 *
 * Linear time, iterative (a 5,000-task chain is fine). Throws DependencyCycleError on a cycle.
 */
export function priorities(tasks: readonly DagTask[]): Map<string, number> {
  const graph = taskGraph(tasks);
  const order = dependencyOrder(tasks, graph);
  const value = new Float64Array(tasks.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    const explicit = tasks[i]!.priority;
    if (explicit !== undefined) {
      value[i] = explicit;
      continue;
    }
    let longest = 0;
    for (const dependant of graph.dependants[i]!) longest = Math.max(longest, value[dependant]!);
    value[i] = 1 + longest;
  }
  return new Map(tasks.map((task, i) => [task.id, value[i]!]));
}
