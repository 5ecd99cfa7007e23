import type { TaskRecord } from "../run.js";

/**
 * Agent time spent on a task, in ms: the worker's sum over finished attempts when it recorded
 * one, else the last attempt's span; a running attempt adds its time so far. Null when it never
 * ran or the timestamps are unreadable (a clock or a hand edit is not worth a crash).
 */
export function taskDuration(task: TaskRecord, now: Date): number | null {
  const recorded =
    task.durationMs !== undefined && Number.isFinite(task.durationMs) ? task.durationMs : null;
  const start = task.startedAt ? Date.parse(task.startedAt) : Number.NaN;
  if (task.status === "in_progress" && Number.isFinite(start)) {
    return (recorded ?? 0) + Math.max(0, now.getTime() - start);
  }
  if (recorded !== null) return recorded;
  const end = task.finishedAt ? Date.parse(task.finishedAt) : Number.NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  return Math.max(0, end - start);
}
