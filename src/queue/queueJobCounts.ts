import { Queue } from "bullmq";
import { queueNames } from "./queueNames.js";
import type { RedisClient } from "./redisConnection.js";

export interface QueueJobCounts {
  /** jobs per state, per queue (a handful of Redis calls whatever the queue sizes) */
  read(): Promise<Array<{ queue: string; counts: Record<string, number> }>>;
  close(): Promise<void>;
}

const STATES = [
  "waiting",
  "prioritized",
  "active",
  "delayed",
  "waiting-children",
  "completed",
  "failed",
] as const;

export function queueJobCounts(connection: RedisClient, prefix: string): QueueJobCounts {
  const queues = queueNames.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    // The shared connection's errors (Redis down, a failover) are logged where it is made;
    // without a listener BullMQ would print each one to stderr once per queue.
    queue.on("error", () => undefined);
    return queue;
  });
  return {
    read: () =>
      Promise.all(
        queues.map(async (queue) => ({
          queue: queue.name,
          counts: await queue.getJobCounts(...STATES),
        })),
      ),
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
