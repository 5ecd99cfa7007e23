import { Queue } from "bullmq";
import type { RedisClient } from "../src/queue/redisConnection.js";
import { epochMs, sleep } from "./stats.js";

// The bench watches the task queue through a Queue of its own, so what it measures goes through
// the project's taskQueue/startTaskWorker untouched.
const POLL_MS = 2;
const WORKERS_WAIT_MS = 10_000;

export interface QueueWatch {
  /** waits (up to 10 s, then goes on) until `count` workers hold a blocking connection */
  workersUp(count: number): Promise<void>;
  /**
   * Resolves with the epoch ms at which `count` jobs were seen finished (polled every 2 ms, so
   * up to ~2 ms late), or rejects once `isAlive` says a worker is gone.
   */
  finished(count: number, isAlive: () => boolean): Promise<number>;
  close(): Promise<void>;
}

export function watchTasks(connection: RedisClient, prefix: string): QueueWatch {
  const queue = new Queue("tasks", { connection, prefix });
  return {
    async workersUp(count) {
      const until = Date.now() + WORKERS_WAIT_MS;
      while (Date.now() < until && (await queue.getWorkersCount()) < count) await sleep(POLL_MS);
    },
    async finished(count, isAlive) {
      for (;;) {
        const counts = await queue.getJobCounts("completed", "failed");
        const at = epochMs();
        if ((counts["completed"] ?? 0) + (counts["failed"] ?? 0) >= count) return at;
        if (!isAlive()) throw new Error("a bench worker exited before the jobs were done");
        await sleep(POLL_MS);
      }
    },
    close: () => queue.close(),
  };
}
