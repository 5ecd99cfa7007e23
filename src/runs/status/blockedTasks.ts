import type { TaskRecord } from "../run.js";

/**
 * Ids of the tasks that cannot start because something they wait on, directly or through
 * other tasks, failed or was cancelled: they need a person (a retry) as much as the failure.
 */
export function blockedTasks(tasks: readonly TaskRecord[]): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, boolean>();
  const stuck = (id: string, seen: Set<string>): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id);
    // A cycle cannot come out of validation; guard anyway rather than recurse forever.
    if (!task || seen.has(id)) return false;
    seen.add(id);
    const result = task.depends_on.some((dep) => {
      const status = byId.get(dep)?.status;
      return status === "failed" || status === "cancelled" || stuck(dep, seen);
    });
    memo.set(id, result);
    return result;
  };
  const blocked = new Set<string>();
  for (const task of tasks) {
    if ((task.status === "pending" || task.status === "ready") && stuck(task.id, new Set())) {
      blocked.add(task.id);
    }
  }
  return blocked;
}
