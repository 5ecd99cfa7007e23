import type { RunSnapshot, TaskRecord } from "../run.js";

const byId = new Intl.Collator("en", { numeric: true });

/**
 * Tasks in a stable reading order: by group (in the run's group order), then by how deep in the
 * graph they sit (what runs first comes first, review-thread fixes after the work they review),
 * then by id. The store does not keep insertion order, and a table that reshuffles on every
 * edit of the comment would be unreadable.
 */
export function orderTasks(snapshot: RunSnapshot): TaskRecord[] {
  const groupIndex = new Map(snapshot.run.groups.map((g, i) => [g.name, i]));
  const tasks = new Map(snapshot.tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (task: TaskRecord, seen: Set<string>): number => {
    const known = depth.get(task.id);
    if (known !== undefined) return known;
    // A cycle cannot come out of validation; guard anyway rather than recurse forever.
    if (seen.has(task.id)) return 0;
    seen.add(task.id);
    let d = 0;
    for (const dep of task.depends_on) {
      const parent = tasks.get(dep);
      if (parent) d = Math.max(d, depthOf(parent, seen) + 1);
    }
    depth.set(task.id, d);
    return d;
  };
  const unknownGroup = snapshot.run.groups.length;
  return [...snapshot.tasks].sort(
    (a, b) =>
      (groupIndex.get(a.group) ?? unknownGroup) - (groupIndex.get(b.group) ?? unknownGroup) ||
      byId.compare(a.group, b.group) ||
      depthOf(a, new Set()) - depthOf(b, new Set()) ||
      byId.compare(a.id, b.id),
  );
}
