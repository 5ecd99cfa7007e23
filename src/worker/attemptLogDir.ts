import { join } from "node:path";

/** A run's folder under the logs directory: its key with anything unsafe in a path replaced. */
export function runLogDir(logsDir: string, runKey: string): string {
  return join(logsDir, runKey.replace(/[^A-Za-z0-9._-]/g, "_"));
}

/** Where one attempt of one task on one backend keeps its prompt, output and logs. */
export function attemptLogDir(
  logsDir: string,
  runKey: string,
  taskId: string,
  attempt: number,
  backend: string,
): string {
  return join(runLogDir(logsDir, runKey), taskId, `attempt-${attempt}-${backend}`);
}

/** The one file per task holding the whole output of its last finished attempt. */
export function lastAttemptLogPath(logsDir: string, runKey: string, taskId: string): string {
  return join(runLogDir(logsDir, runKey), taskId, "last-attempt.log");
}
