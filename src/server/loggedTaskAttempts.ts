import type { Probot } from "probot";

type TaskJobFields = { runKey: string; taskId: string; attempt: number };

/**
 * Wraps the task processor so each job logs through a child logger that names it (run key,
 * task id, attempt): every line about one attempt can be found together, and a failure is
 * logged before BullMQ sees it.
 */
export function loggedTaskAttempts<J extends TaskJobFields>(
  log: Probot["log"],
  run: (job: J, signal: AbortSignal) => Promise<void>,
): (job: J, signal: AbortSignal) => Promise<void> {
  return async (job, signal) => {
    const taskLog = log.child({ runKey: job.runKey, taskId: job.taskId, attempt: job.attempt });
    const started = Date.now();
    taskLog.info("task attempt started");
    try {
      await run(job, signal);
      taskLog.info({ ms: Date.now() - started }, "task attempt finished");
    } catch (error) {
      taskLog.error({ err: error, ms: Date.now() - started }, "task attempt failed");
      throw error;
    }
  };
}
