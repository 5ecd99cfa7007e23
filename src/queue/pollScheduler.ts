import { Queue, Worker } from "bullmq";
import { duplicateConnection, type RedisClient } from "./redisConnection.js";

export interface PollSchedulerHandle {
  close(): Promise<void>;
}

/**
 * The review poller's clock: one BullMQ job scheduler shared by every process on the Redis, so
 * exactly one poll pass runs per interval however many servers and workers there are (a timer
 * in each process would poll once per process).
 */
export async function startPollScheduler(
  connection: RedisClient,
  prefix: string,
  intervalMs: number,
  pass: () => Promise<void>,
  onError: (error: Error) => void,
): Promise<PollSchedulerHandle> {
  const queue = new Queue("poll", { connection, prefix });
  queue.on("error", onError);
  await queue.upsertJobScheduler(
    "review-poll",
    { every: intervalMs },
    { name: "poll", opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  const workerConnection = duplicateConnection(connection);
  workerConnection.on("error", onError);
  const worker = new Worker("poll", async () => pass(), {
    connection: workerConnection,
    prefix,
    concurrency: 1,
  });
  worker.on("error", onError);
  return {
    async close() {
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
    },
  };
}
