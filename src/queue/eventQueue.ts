import { type Job, Queue, Worker } from "bullmq";
import { type EventJob, eventJobSchema } from "./eventJob.js";
import { failedForGood } from "./failedForGood.js";
import { duplicateConnection, type RedisClient } from "./redisConnection.js";
import { waitForRetryAt } from "./waitForRetryAt.js";

export interface EventQueue {
  /** Adds the event once: the job id is the webhook delivery id, so a redelivery is a no-op. */
  add(event: Extract<EventJob, { deliveryId: string }>): Promise<void>;
  /**
   * Queues what follows a task's change — dependants, the group's PR, the run's state — as its
   * own retried job, so a crash or a GitHub error after a push never loses the PR. `reason`
   * makes the job id unique per change (a redelivered change is queued once).
   */
  settle(runKey: string, installationId: number, group: string, reason: string): Promise<void>;
  /**
   * Asks for the run's status comment to be re-rendered soon. Requests within the debounce
   * window collapse into one edit, across every process sharing the Redis.
   */
  requestPublish(runKey: string, installationId: number): Promise<void>;
  publishVersion(runKey: string): Promise<number>;
  requeuePublish(runKey: string, installationId: number, version: number): Promise<void>;
  /** jobs not finished yet: waiting, delayed or being processed */
  pending(): Promise<number>;
  close(): Promise<void>;
}

const KEEP = { age: 7 * 24 * 3600, count: 50_000 };

export function eventQueue(
  connection: RedisClient,
  prefix: string,
  publishDelayMs = 2000,
): EventQueue {
  const queue = new Queue("events", { connection, prefix });
  // The connection is shared: its errors (Redis down, restarting) are logged where it is made.
  // Without a listener BullMQ prints each one again to stderr, outside the app's logger.
  queue.on("error", () => undefined);
  return {
    async add(event) {
      // BullMQ ignores an add whose job id it already holds: a redelivery is a no-op.
      await queue.add(event.type, event, {
        jobId: `delivery-${event.deliveryId}`,
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: KEEP,
        removeOnFail: KEEP,
      });
    },
    async settle(runKey, installationId, group, reason) {
      await queue.add(
        "settle",
        { type: "settle", runKey, installationId, group },
        {
          jobId: `settle-${runKey}-${reason}`,
          attempts: 8,
          backoff: { type: "exponential", delay: 1000 },
          removeOnComplete: KEEP,
          removeOnFail: KEEP,
        },
      );
    },
    async requestPublish(runKey, installationId) {
      await connection.incr(`${prefix}:publish:${runKey}`);
      await queue.add(
        "publish",
        { type: "publish", runKey, installationId },
        {
          // One waiting edit per run; the processor re-queues itself if changes arrived while it
          // ran (see publishVersion), so the last change is never left unpublished.
          jobId: `publish-${runKey}`,
          delay: publishDelayMs,
          removeOnComplete: true,
          removeOnFail: true,
          attempts: 5,
          backoff: { type: "exponential", delay: 1000 },
        },
      );
    },
    async publishVersion(runKey) {
      return Number((await connection.get(`${prefix}:publish:${runKey}`)) ?? 0);
    },
    async requeuePublish(runKey, installationId, version) {
      await queue.add(
        "publish",
        { type: "publish", runKey, installationId },
        {
          jobId: `publish-${runKey}-v${version}`,
          delay: publishDelayMs,
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    },
    async pending() {
      const counts = await queue.getJobCounts("waiting", "active", "prioritized", "delayed");
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    close: () => queue.close(),
  };
}

export interface EventWorkerHandle {
  close(): Promise<void>;
}

/**
 * Runs `handle` for each event; a payload that fails its schema is dropped with a log line.
 * A process that dies mid-job (SIGKILL, power loss) leaves its job locked: like a task, it is
 * taken over once its lock expires, after WORKER_LOCK_SECONDS (BullMQ's fixed 30 s otherwise).
 */
export function startEventWorker(
  connection: RedisClient,
  prefix: string,
  handle: (event: EventJob) => Promise<void>,
  onInvalid: (errors: string) => void,
  onError: (error: Error) => void,
  concurrency = 8,
  lockDurationMs = 30_000,
  /** a job BullMQ will not run again: what it was for must not be left waiting silently */
  onFailedForGood?: (event: EventJob, error: Error) => void,
): EventWorkerHandle {
  const workerConnection = duplicateConnection(connection);
  workerConnection.on("error", onError);
  const worker = new Worker(
    "events",
    async (job, token) => {
      const parsed = eventJobSchema.safeParse(job.data);
      if (!parsed.success) {
        onInvalid(parsed.error.message);
        return;
      }
      const event = parsed.data;
      await waitForRetryAt(job, token, () => handle(event));
    },
    {
      connection: workerConnection,
      prefix,
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: lockDurationMs,
    },
  );
  worker.on("error", onError);
  worker.on("failed", (job: Job | undefined, error: Error) => {
    if (!job || !failedForGood(job, error)) return;
    const parsed = eventJobSchema.safeParse(job.data);
    if (parsed.success) onFailedForGood?.(parsed.data, error);
  });
  return {
    async close() {
      await worker.close();
      workerConnection.disconnect();
    },
  };
}
