import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { failedForGood } from "./failedForGood.js";
import { duplicateConnection, type RedisClient } from "./redisConnection.js";
import {
  JobLockLostError,
  type TaskJob,
  type TaskJobRequest,
  taskJobId,
  taskJobSchema,
} from "./taskJob.js";
import { waitForRetryAt } from "./waitForRetryAt.js";

export interface TaskQueue {
  /** Queues the jobs (highest priority first); ones already queued are left as they are. */
  enqueue(jobs: Array<TaskJobRequest & { priority: number }>): Promise<number>;
  /** Removes every queued (not yet running) job of the run; running ones are told to stop. */
  cancelRun(runKey: string): Promise<void>;
  /** The same for some tasks of the run only. */
  cancelTasks(runKey: string, taskIds: string[]): Promise<void>;
  pending(): Promise<number>;
  /** Caps tasks running at once across every worker on this Redis (BullMQ's global concurrency). */
  setGlobalConcurrency(limit: number): Promise<void>;
  close(): Promise<void>;
}

// BullMQ runs priority 1 first and accepts up to 2,097,151; our priority grows with the work
// that waits on a task, so it is inverted.
const MAX_PRIORITY = 2_097_151;
const KEEP = { age: 7 * 24 * 3600, count: 100_000 };

export function taskQueue(connection: RedisClient, prefix: string): TaskQueue {
  const queue = new Queue("tasks", { connection, prefix });
  // Connection errors while Redis restarts are the connection's to report, not stderr's.
  queue.on("error", () => undefined);
  const jobsKey = (runKey: string) => `${prefix}:run:${runKey}:jobs`;
  const cancelChannel = `${prefix}:cancel`;
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return 0;
      const ordered = [...jobs].sort((a, b) => b.priority - a.priority);
      const entries = ordered.map(({ priority, ...data }) => ({
        name: "task",
        data,
        opts: {
          jobId: taskJobId(data),
          priority: Math.max(1, MAX_PRIORITY - Math.min(priority, MAX_PRIORITY - 1)),
          removeOnComplete: KEEP,
          removeOnFail: KEEP,
        },
      }));
      // One round trip for the run's job lists, one for the jobs (BullMQ's addBulk is one
      // MULTI): the ids are listed first, so a cancel that reads the list finds every job.
      const lists = connection.pipeline();
      for (const entry of entries) lists.sadd(jobsKey(entry.data.runKey), entry.opts.jobId);
      const failed = (await lists.exec())?.find(([error]) => error)?.[0];
      if (failed) throw failed;
      const added = await queue.addBulk(entries);
      return added.length;
    },
    async cancelRun(runKey) {
      const ids = await connection.smembers(jobsKey(runKey));
      await Promise.all(ids.map((id) => queue.remove(id).catch(() => 0)));
      await connection.publish(cancelChannel, runKey);
    },
    async cancelTasks(runKey, taskIds) {
      if (taskIds.length === 0) return;
      const ids = await connection.smembers(jobsKey(runKey));
      const mine = ids.filter((id) => taskIds.some((task) => isJobOf(id, runKey, task)));
      await Promise.all(mine.map((id) => queue.remove(id).catch(() => 0)));
      for (const task of taskIds) await connection.publish(cancelChannel, `${runKey}\n${task}`);
    },
    async pending() {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async setGlobalConcurrency(limit) {
      await queue.setGlobalConcurrency(limit);
    },
    close: () => queue.close(),
  };
}

/** Whether a job id (see taskJobId) is one of the task's, whatever its generation and attempt. */
function isJobOf(jobId: string, runKey: string, taskId: string): boolean {
  const head = `task-${runKey}-g`;
  if (!jobId.startsWith(head)) return false;
  return new RegExp(`^\\d+-${escapeRegExp(taskId)}-a\\d+$`).test(jobId.slice(head.length));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface TaskWorkerHandle {
  close(): Promise<void>;
}

export interface TaskWorkerOptions {
  concurrency: number;
  /**
   * How long a job may go without its lock being renewed before another worker takes it; also
   * how often this worker looks for such stalled jobs. Default 30 s (the operator's WORKER_LOCK_SECONDS).
   */
  lockDurationMs?: number;
  onInvalid(errors: string): void;
  onError(error: Error): void;
  /** a job BullMQ will not run again (stalled past its limit, or it threw): its task must move */
  onFailedForGood?(job: TaskJob, error: Error): void;
}

/**
 * Runs `process` for each task job. The signal aborts when the job's run is stopped, from any
 * machine, over Redis pub/sub, and with a {@link JobLockLostError} when this worker could not
 * renew the job's lock (the job is then another worker's, and this attempt must not go on).
 */
export function startTaskWorker(
  connection: RedisClient,
  prefix: string,
  process: (job: TaskJob, signal: AbortSignal) => Promise<void>,
  options: TaskWorkerOptions,
): TaskWorkerHandle {
  const running = new Map<string, Set<{ controller: AbortController; taskId: string }>>();
  const byJobId = new Map<string, AbortController>();
  const subscriber = duplicateConnection(connection);
  subscriber.on("error", options.onError);
  void subscriber.subscribe(`${prefix}:cancel`);
  // "<run>" stops every job of the run; "<run>\n<task>" that task's only.
  subscriber.on("message", (_channel: string, message: string) => {
    const [runKey = "", taskId] = message.split("\n");
    for (const job of running.get(runKey) ?? []) {
      if (taskId === undefined) job.controller.abort(new Error("run stopped"));
      else if (job.taskId === taskId) job.controller.abort(new Error("task re-planned"));
    }
  });
  const lockMs = options.lockDurationMs ?? 30_000;
  const workerConnection = duplicateConnection(connection);
  workerConnection.on("error", options.onError);
  const worker = new Worker(
    "tasks",
    async (job: Job, token?: string) => {
      const parsed = taskJobSchema.safeParse(job.data);
      if (!parsed.success) {
        options.onInvalid(parsed.error.message);
        throw new UnrecoverableError("invalid task job payload");
      }
      const controller = new AbortController();
      const entry = { controller, taskId: parsed.data.taskId };
      const set = running.get(parsed.data.runKey) ?? new Set();
      set.add(entry);
      running.set(parsed.data.runKey, set);
      if (job.id) byJobId.set(job.id, controller);
      try {
        await waitForRetryAt(job, token, () => process(parsed.data, controller.signal));
      } finally {
        set.delete(entry);
        if (set.size === 0) running.delete(parsed.data.runKey);
        if (job.id) byJobId.delete(job.id);
      }
    },
    {
      connection: workerConnection,
      prefix,
      concurrency: options.concurrency,
      lockDuration: lockMs,
      // A crashed worker's job is found within one interval after its lock expired.
      stalledInterval: lockMs,
      maxStalledCount: 2,
    },
  );
  worker.on("error", options.onError);
  worker.on("failed", (job: Job | undefined, error: Error) => {
    if (!job || !failedForGood(job, error)) return;
    const parsed = taskJobSchema.safeParse(job.data);
    if (parsed.success) options.onFailedForGood?.(parsed.data, error);
  });
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const id of jobIds) byJobId.get(id)?.abort(new JobLockLostError(id));
  });
  return {
    // Graceful: jobs in hand finish (BullMQ waits for them); nothing new is taken.
    async close() {
      await worker.close();
      workerConnection.disconnect();
      subscriber.disconnect();
    },
  };
}
