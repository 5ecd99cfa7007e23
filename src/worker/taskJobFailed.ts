import type { TaskRecord } from "../runs/run.js";
import type { RunStore } from "../runs/runStore.js";
import { failedAttempt, isThisAttempt, isThisGeneration } from "../runs/taskAttempt.js";
import type { TaskJobInput } from "./processTask.js";

/**
 * A task job the queue gave up on (its worker stalled past the limit, or the job threw outside
 * the attempt): the attempt it stood for counts as failed, with why, and the task goes on by
 * the normal retry policy — never left `in_progress` or `ready` with no job to move it.
 * Returns the task as it now is, or null when the job's attempt was not the task's any more.
 */
export async function taskJobFailed(
  job: TaskJobInput,
  why: string,
  store: RunStore,
): Promise<TaskRecord | null> {
  const detail = `the worker running attempt ${job.attempt} gave it up: ${why}`;
  return store.updateTask(job.runKey, job.taskId, (t, run) => {
    if (!isThisGeneration(run, job)) return null;
    // in_progress: claimed by this attempt; ready: the job failed before it was claimed.
    const mine = isThisAttempt(t, job) || (t.status === "ready" && t.attempts + 1 === job.attempt);
    if (!mine) return null;
    return failedAttempt(t, run, { attempt: job.attempt, detail, fatal: false });
  });
}
