import { z } from "zod";

export const taskJobSchema = z.object({
  runKey: z.string().min(1),
  taskId: z.string().min(1),
  /** 1-based; part of the job id so a retry is a new job and a redelivery is not */
  attempt: z.number().int().positive(),
  installationId: z.number().int().positive(),
  /** the run's generation the job was queued for (jobs queued before generations: 1) */
  generation: z.number().int().positive().default(1),
});

export type TaskJob = z.infer<typeof taskJobSchema>;
/** A job as it is queued (the generation defaults to 1). */
export type TaskJobRequest = z.input<typeof taskJobSchema>;

/**
 * Deterministic job id: the same (run generation, task, attempt) can never be queued twice,
 * and a re-run's jobs are never mistaken for the last generation's (kept by BullMQ for days).
 */
export function taskJobId(
  job: Pick<TaskJob, "runKey" | "taskId" | "attempt"> & { generation?: number | undefined },
): string {
  // BullMQ job ids may not contain ":"; run keys hold "/" and "#", which are fine.
  return `task-${job.runKey}-g${job.generation ?? 1}-${job.taskId}-a${job.attempt}`;
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
