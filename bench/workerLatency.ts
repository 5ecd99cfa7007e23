import type { RedisClient } from "../src/queue/redisConnection.js";
import { taskQueue } from "../src/queue/taskQueue.js";
import { watchTasks } from "./benchQueue.js";
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
): Promise<Record<string, number>> {
  const p50: number[] = [];
  const p99: number[] = [];
  const worst: number[] = [];
  const enqueueCall: number[] = [];
  for (let run = 0; run < LATENCY.runs; run++) {
    await connection.flushdb();
    const result = await oneRun(connection, redisUrl, concurrency, run);
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
): Promise<{ latencies: number[]; enqueueCalls: number[] }> {
  const tasks = taskQueue(connection, PREFIX);
  const watch = watchTasks(connection, PREFIX);
  const worker = forkWorker(redisUrl, PREFIX, concurrency, "latency");
  try {
    await worker.ready;
    await worker.go();
    await watch.workersUp(1);
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
    await watch.finished(total, worker.running);
    const report = await worker.stop();
    const latencies = report.starts
      .filter(([taskId]) => !taskId.startsWith("warmup-"))
      .map(([taskId, startedAt]) => startedAt - (enqueuedAt.get(taskId) ?? startedAt));
    return { latencies, enqueueCalls };
  } finally {
    await worker.stop().catch(() => undefined);
    await watch.close();
    await tasks.close();
  }
}
