import type { Job } from "bullmq";

/**
 * BullMQ's last word on a failed job: no retry follows (its attempts are spent, or the failure
 * is unrecoverable — a job that stalled past its limit is failed as one).
 */
export function failedForGood(job: Job, error: Error): boolean {
  return error.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
}
