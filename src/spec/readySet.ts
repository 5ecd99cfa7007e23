import { type DagTask, type StatusLookup, statusOf } from "./taskGraph.js";

/**
 * The tasks that can start now: pending, with every dependency complete. A dependency that is
 * not in `statusById` counts as not complete, so a missing record can delay work but never start
 * it early. Highest priority first (pass planned tasks, whose priority is computed), then id.
 */
export function readySet<T extends DagTask>(tasks: readonly T[], statusById: StatusLookup): T[] {
  return tasks
    .filter(
      (task) =>
        statusOf(statusById, task.id) === "pending" &&
        task.depends_on.every((dep) => statusOf(statusById, dep) === "complete"),
    )
    .sort(
      (a, b) => (b.priority ?? 0) - (a.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}
