import { defaultRepoConfig } from "../src/config/repoConfig.js";
import { keyPrefix } from "../src/queue/keyPrefix.js";
import type { RedisClient } from "../src/queue/redisConnection.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { taskQueue } from "../src/queue/taskQueue.js";
import type { RunSnapshot, TaskRecord } from "../src/runs/run.js";
import { watchTasks } from "./benchQueue.js";
import { emptyRedis } from "./emptyRedis.js";
import { epochMs, median, round } from "./stats.js";
import { forkWorker, type WorkerChild } from "./workerChild.js";
import type { WorkerMode } from "./workerMessages.js";

// 1,000 trivial tasks through 2 worker processes (bench/workerProcess.ts), timed two ways:
//   live   workers idle and waiting; the clock starts when one taskQueue.enqueue call receives
//          all 1,000 ready tasks — what dispatchReady does with a wide plan — and stops when the
//          last job is seen finished, so enqueueing (its own figure too) is part of the time;
//   drain  the 1,000 jobs are queued first; the clock starts when both workers are told to go:
//          what the workers alone can take.
// Each run starts fresh worker processes on an emptied Redis, so every run pays the same cold
// start and the peak RSS is that of one run.
export const THROUGHPUT = { runs: 5, tasks: 1_000, workers: 2 } as const;

export type Start = "live" | "drain";

// Store mode spreads the tasks over runs of 200, the default per-run cap (limits.max_tasks):
// each job reads its whole run, as processTask does, so the run size shapes the cost.
const TASKS_PER_RUN = 200;
const PREFIX = "bench-throughput";

export async function throughputFigures(
  connection: RedisClient,
  redisUrl: string,
  mode: Exclude<WorkerMode, "latency">,
  concurrency: number,
  start: Start,
  workers: number = THROUGHPUT.workers,
): Promise<Record<string, number>> {
  const wall: number[] = [];
  const enqueue: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < THROUGHPUT.runs; run++) {
    await emptyRedis(connection);
    if (mode === "store") await seedRuns(connection);
    const result = await oneRun(connection, redisUrl, mode, concurrency, start, workers);
    wall.push(result.wallMs);
    enqueue.push(result.enqueueMs);
    rss.push(result.peakRssKb / 1024);
  }
  const processes = workers === THROUGHPUT.workers ? "" : `.w${workers}`;
  const name = `worker.throughput.${start}.${mode}.c${concurrency}${processes}`;
  const wallMs = median(wall);
  return {
    [`${name}.wall.ms`]: round(wallMs, 1),
    [`${name}.jobsPerSec`]: round((THROUGHPUT.tasks / wallMs) * 1000, 0),
    [`${name}.enqueue.ms`]: round(median(enqueue), 1),
    [`${name}.peakRss.MiB`]: round(median(rss), 1),
  };
}

async function oneRun(
  connection: RedisClient,
  redisUrl: string,
  mode: WorkerMode,
  concurrency: number,
  start: Start,
  count: number,
): Promise<{ wallMs: number; enqueueMs: number; peakRssKb: number }> {
  // The worker processes make the same prefix from PREFIX and their own connection.
  const prefix = keyPrefix(connection, PREFIX);
  const tasks = taskQueue(connection, prefix);
  const watch = watchTasks(connection, prefix);
  const workers: WorkerChild[] = [];
  try {
    for (let i = 0; i < count; i++) {
      workers.push(forkWorker(redisUrl, PREFIX, concurrency, mode));
    }
    await Promise.all(workers.map((w) => w.ready));
    const go = () => Promise.all(workers.map((w) => w.go()));
    if (start === "live") {
      // Idle and blocked on the queue, as a worker waits for work between tasks.
      await go();
      await watch.workersUp(count);
    }
    const jobs = Array.from({ length: THROUGHPUT.tasks }, (_, i) => ({
      runKey: runKeyOf(mode, i),
      taskId: `t${i}`,
      attempt: 1,
      installationId: 1,
      priority: THROUGHPUT.tasks - i,
    }));
    const enqueueStart = epochMs();
    await tasks.enqueue(jobs);
    const enqueueMs = epochMs() - enqueueStart;
    const clock = start === "live" ? enqueueStart : epochMs();
    if (start === "drain") await go();
    const end = await watch.finished(THROUGHPUT.tasks, () => workers.every((w) => w.running()));
    const reports = await Promise.all(workers.map((w) => w.stop()));
    const processed = reports.reduce((sum, r) => sum + r.processed, 0);
    if (processed !== THROUGHPUT.tasks) {
      throw new Error(`bench workers processed ${processed} of ${THROUGHPUT.tasks} jobs`);
    }
    return {
      wallMs: end - clock,
      enqueueMs,
      peakRssKb: Math.max(...reports.map((r) => r.maxRssKb)),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    await watch.close();
    await tasks.close();
  }
}

function runKeyOf(mode: WorkerMode, i: number): string {
  return mode === "store" ? `bench/store#${Math.floor(i / TASKS_PER_RUN) + 1}` : "bench/noop#1";
}

/** Runs in `running` with every task ready, as the store holds them when they are dispatched. */
async function seedRuns(connection: RedisClient): Promise<void> {
  const store = redisRunStore(connection, keyPrefix(connection, PREFIX));
  const now = new Date().toISOString();
  for (let first = 0; first < THROUGHPUT.tasks; first += TASKS_PER_RUN) {
    const key = runKeyOf("store", first);
    const issueNumber = first / TASKS_PER_RUN + 1;
    const tasks: TaskRecord[] = Array.from({ length: TASKS_PER_RUN }, (_, k) => ({
      id: `t${first + k}`,
      group: `group-${k % 5}`,
      depends_on: [],
      title: `Task ${first + k}`,
      description: "A task with nothing to do: the bench measures the queue and the store.",
      priority: THROUGHPUT.tasks - first - k,
      status: "ready",
      kind: "implement",
      attempts: 0,
    }));
    const snapshot: RunSnapshot = {
      run: {
        key,
        owner: "bench",
        repo: "store",
        issueNumber,
        installationId: 1,
        state: "running",
        reason: null,
        statusCommentId: null,
        startedBy: "bench",
        origin: "bench",
        createdAt: now,
        updatedAt: now,
        questions: [],
        conversation: [],
        errors: [],
        awaitingApproval: false,
        config: defaultRepoConfig,
        groups: Array.from({ length: 5 }, (_, g) => ({
          name: `group-${g}`,
          branch: `orchestrate/${issueNumber}-group-${g}`,
          pull: null,
        })),
      },
      tasks,
    };
    await store.put(snapshot);
  }
}
