import { z } from "zod";

export const taskJobSchema = z.object({
  runKey: z.string().min(1),
  taskId: z.string().min(1),
  /** 1-based; part of the job id so a retry is a new job and a redelivery is not */
  attempt: z.number().int().positive(),
  installationId: z.number().int().positive(),
});

export type TaskJob = z.infer<typeof taskJobSchema>;

/** Deterministic job id: the same (run, task, attempt) can never be queued twice. */
export function taskJobId(job: Pick<TaskJob, "runKey" | "taskId" | "attempt">): string {
  // BullMQ job ids may not contain ":"; run keys hold "/" and "#", which are fine.
  return `task-${job.runKey}-${job.taskId}-a${job.attempt}`;
}

/**
 * Why a running task job's signal aborts when its worker lost the job's lock (BullMQ could not
 * renew it, so the job is or will be another worker's). The attempt stops and records nothing:
 * whoever holds the job now records the task's outcome.
 */
export class JobLockLostError extends Error {
  constructor(jobId: string) {
    super(`lost the lock of job ${jobId}; another worker takes the task over`);
    this.name = "JobLockLostError";
  }
}
