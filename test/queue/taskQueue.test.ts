import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startTaskWorker, type TaskWorkerHandle, taskQueue } from "../../src/queue/taskQueue.js";

// The task queue with a real Redis and the project's own worker: what a worker machine sees of
// a dispatch of many ready tasks at once.
describe("the task queue", () => {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  afterAll(() => redis.disconnect());

  it("queues a thousand ready tasks at once, each once, started highest priority first", async () => {
    const prefix = `tq-${randomUUID().slice(0, 8)}`;
    const queue = taskQueue(redis, prefix);
    const jobs = Array.from({ length: 1_000 }, (_, i) => ({
      runKey: "octo-org/app#1",
      taskId: `t${i}`,
      attempt: 1,
      installationId: 7,
      generation: 1,
      // Priorities repeat and come in no order: the queue orders them.
      priority: (i * 7919) % 100,
    }));
    await queue.enqueue(jobs);
    // A redelivered dispatch queues nothing twice (the job ids are the same).
    await queue.enqueue(jobs.slice(0, 300));
    expect(await queue.pending()).toBe(1_000);

    const started: string[] = [];
    let worker: TaskWorkerHandle | undefined;
    await new Promise<void>((resolve, reject) => {
      worker = startTaskWorker(
        redis,
        prefix,
        async (job) => {
          started.push(job.taskId);
          if (started.length === 1_000) resolve();
        },
        { concurrency: 1, onInvalid: reject, onError: reject },
      );
    });
    await worker?.close();
    await queue.close();

    const priorityOf = new Map(jobs.map((j) => [j.taskId, j.priority]));
    const priorities = started.map((id) => priorityOf.get(id) ?? -1);
    expect(new Set(started).size).toBe(1_000);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  });

  it("cancels every job of a run queued in one dispatch", async () => {
    const prefix = `tq-${randomUUID().slice(0, 8)}`;
    const queue = taskQueue(redis, prefix);
    const job = (runKey: string, i: number) => ({
      runKey,
      taskId: `t${i}`,
      attempt: 1,
      installationId: 7,
      priority: 1,
    });
    await queue.enqueue([
      ...Array.from({ length: 50 }, (_, i) => job("octo-org/app#1", i)),
      ...Array.from({ length: 5 }, (_, i) => job("octo-org/app#2", i)),
    ]);
    await queue.cancelRun("octo-org/app#1");
    expect(await queue.pending()).toBe(5);
    await queue.close();
  });
});
