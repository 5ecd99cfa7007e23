import type { Probot } from "probot";
import type { RunStore } from "../runs/runStore.js";
import { lastAttemptLogPath } from "../worker/attemptLogDir.js";

type TaskJobFields = { runKey: string; taskId: string; attempt: number };

/**
 * Wraps the task processor so each job logs through a child logger that names it (run key,
 * task id, attempt): every line about one attempt can be found together, and a failure is
 * logged before BullMQ sees it. Given the run store and the logs directory, an attempt that
 * failed is logged with why (the first line of the task's report) and the file holding its
 * whole output.
 */
export function loggedTaskAttempts<J extends TaskJobFields>(
  { log, ...outcome }: { log: Probot["log"]; store?: RunStore; logsDir?: string },
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
    const { store, logsDir } = outcome;
    if (!store || logsDir === undefined) return;
    const snapshot = await store.get(job.runKey).catch(() => null);
    const task = snapshot?.tasks.find((t) => t.id === job.taskId);
    const failed = task && task.attempts === job.attempt && task.lastFailure === task.report;
    if (!failed || (task.status !== "failed" && task.status !== "pending")) return;
    taskLog.warn(
      {
        failure: (task.report ?? "").split("\n")[0],
        status: task.status,
        lastAttemptLog: lastAttemptLogPath(logsDir, job.runKey, job.taskId),
      },
      task.status === "failed" ? "task failed" : "task attempt failed; it will be retried",
    );
  };
}
