import type { TaskRecord } from "../run.js";
import { blockedTasks } from "./blockedTasks.js";
import { renderTaskTable, type TaskTableOptions } from "./renderTaskTable.js";

const rank = (task: TaskRecord, blocked: Set<string>): number =>
  task.status === "failed"
    ? 0
    : task.status === "needs-input"
      ? 1
      : task.status === "in_progress"
        ? 2
        : blocked.has(task.id)
          ? 3
          : 9;

/**
 * For a big run: the tasks that need a look first — failed, waiting for an answer, in progress,
 * then blocked behind a failure — in one table, so they are not lost among hundreds of finished ones.
 */
export function renderAttention(tasks: readonly TaskRecord[], o: TaskTableOptions): string {
  const blocked = blockedTasks(tasks);
  const picked = tasks
    .map((task, i) => ({ task, i, rank: rank(task, blocked) }))
    .filter((t) => t.rank < 9)
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((t) => t.task);
  const counts = [
    `${picked.filter((t) => t.status === "failed").length} failed`,
    `${picked.filter((t) => t.status === "needs-input").length} waiting for an answer`,
    `${picked.filter((t) => t.status === "in_progress").length} in progress`,
    `${blocked.size} blocked by a failure`,
  ].join(", ");
  if (picked.length === 0) {
    return "#### Needs attention\n\n_Nothing: no task failed, none is running, none is blocked._";
  }
  return `#### Needs attention\n\n${counts}:\n\n${renderTaskTable(picked, o)}`;
}
