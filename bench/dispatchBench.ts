import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { taskQueue } from "../src/queue/taskQueue.js";
import { dispatchReady } from "../src/runs/dispatchReady.js";
import { runKey } from "../src/runs/run.js";
import { planned } from "../src/runs/specPlanner.js";
import { runRecord } from "./memoryBench.js";
import { generateTasks } from "./planBench.js";
import { median, round } from "./stats.js";

// Dispatch of a run whose N tasks are all ready at once, through the project's own store and
// task queue into a private redis-server: `dispatch` is dispatchReady (the pending → ready move
// and the enqueue), `enqueue` the queue's part alone. Median of 5 runs, each on a fresh run.
export const DISPATCH = { sizes: [1_000, 10_000], runs: 5 } as const;

export async function dispatchBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-dispatch-"));
  const redis = await startEmbeddedRedis(join(dir, "redis"));
  const connection = redisConnection(redis.url);
  const figures: Record<string, number> = {};
  try {
    for (const size of DISPATCH.sizes) {
      const dispatch: number[] = [];
      const enqueue: number[] = [];
      for (let run = 0; run < DISPATCH.runs; run++) {
        const prefix = `bench-dispatch-${size}-${run}`;
        const store = redisRunStore(connection, prefix);
        const queue = taskQueue(connection, prefix);
        const key = runKey("octo-org", "dispatch", 1);
        const plan = planned(generateTasks(size, 20), undefined, 1);
        if (plan.kind !== "plan") throw new Error("the generated spec did not plan");
        const tasks = plan.tasks.map((t) => ({ ...t, depends_on: [] }));
        await store.put({ run: runRecord(key, 1, plan.groups), tasks });
        let enqueueMs = 0;
        const start = performance.now();
        const queued = await dispatchReady(key, store, async (jobs) => {
          const began = performance.now();
          await queue.enqueue(jobs);
          enqueueMs = performance.now() - began;
        });
        dispatch.push(performance.now() - start);
        enqueue.push(enqueueMs);
        if (queued !== size) throw new Error(`dispatched ${queued} of ${size} tasks`);
        await queue.close();
        await connection.flushdb();
      }
      figures[`tasks${size}.dispatch.ms`] = round(median(dispatch), 1);
      figures[`tasks${size}.enqueue.ms`] = round(median(enqueue), 1);
    }
    return figures;
  } finally {
    connection.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
