import { keyPrefix } from "../src/queue/keyPrefix.js";
import type { RedisClient } from "../src/queue/redisConnection.js";
import { taskQueue } from "../src/queue/taskQueue.js";
import { watchTasks } from "./benchQueue.js";
import { emptyRedis } from "./emptyRedis.js";
import { epochMs, median, percentile, round, sleep } from "./stats.js";
import { forkWorker } from "./workerChild.js";

// Ready task → worker start: one idle worker process (bench/workerProcess.ts, latency mode) and
// the project's taskQueue.enqueue, one task at a time with a pause between tasks, so every task
// finds the worker idle and what is measured is latency, not queueing. Clock: from the moment
// enqueue is called (the dispatcher has decided the task is ready) to the processor's first line,
// in epoch ms with sub-ms precision, taken in the two processes on the same machine.
export const LATENCY = { runs: 5, tasks: 200, warmup: 20, spacingMs: 5 } as const;

const PREFIX = "bench-latency";

export async function latencyFigures(
  connection: RedisClient,
  redisUrl: string,
  concurrency: number,
  workers = 1,
): Promise<Record<string, number>> {
  const p50: number[] = [];
  const p99: number[] = [];
  const worst: number[] = [];
  const enqueueCall: number[] = [];
  for (let run = 0; run < LATENCY.runs; run++) {
    await emptyRedis(connection);
    const result = await oneRun(connection, redisUrl, concurrency, run, workers);
    p50.push(percentile(result.latencies, 50));
    p99.push(percentile(result.latencies, 99));
    worst.push(Math.max(...result.latencies));
    enqueueCall.push(percentile(result.enqueueCalls, 50));
  }
  return {
    "worker.readyToStart.p50.ms": round(median(p50)),
    "worker.readyToStart.p99.ms": round(median(p99)),
    "worker.readyToStart.max.ms": round(Math.max(...worst)),
    "worker.readyToStart.enqueueCall.p50.ms": round(median(enqueueCall)),
  };
}

async function oneRun(
  connection: RedisClient,
  redisUrl: string,
  concurrency: number,
  run: number,
  count: number,
): Promise<{ latencies: number[]; enqueueCalls: number[] }> {
  // The worker processes make the same prefix from PREFIX and their own connection.
  const prefix = keyPrefix(connection, PREFIX);
  const tasks = taskQueue(connection, prefix);
  const watch = watchTasks(connection, prefix);
  const workers = Array.from({ length: count }, () =>
    forkWorker(redisUrl, PREFIX, concurrency, "latency"),
  );
  const running = () => workers.every((w) => w.running());
  try {
    await Promise.all(workers.map((w) => w.ready));
    await Promise.all(workers.map((w) => w.go()));
    await watch.workersUp(count);
    const enqueuedAt = new Map<string, number>();
    const enqueueCalls: number[] = [];
    const total = LATENCY.warmup + LATENCY.tasks;
    for (let i = 0; i < total; i++) {
      const taskId = i < LATENCY.warmup ? `warmup-${i}` : `t${i}`;
      const at = epochMs();
      await tasks.enqueue([
        { runKey: `bench/latency#${run + 1}`, taskId, attempt: 1, installationId: 1, priority: 1 },
      ]);
      enqueuedAt.set(taskId, at);
      if (i >= LATENCY.warmup) enqueueCalls.push(epochMs() - at);
      await sleep(LATENCY.spacingMs);
    }
    await watch.finished(total, running);
    const reports = await Promise.all(workers.map((w) => w.stop()));
    const latencies = reports
      .flatMap((report) => report.starts)
      .filter(([taskId]) => !taskId.startsWith("warmup-"))
      .map(([taskId, startedAt]) => startedAt - (enqueuedAt.get(taskId) ?? startedAt));
    return { latencies, enqueueCalls };
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    await watch.close();
    await tasks.close();
  }
}
