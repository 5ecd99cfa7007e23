import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { parseRepoConfig } from "../src/config/repoConfig.js";
import { startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisReviewStore } from "../src/queue/redisReviewStore.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { taskQueue } from "../src/queue/taskQueue.js";
import { type RunRecord, runKey, type TaskRecord } from "../src/runs/run.js";
import { planned } from "../src/runs/specPlanner.js";
import { generateTasks } from "./planBench.js";
import { sleep } from "./stats.js";

// Redis memory of one run of N tasks, written by the project's own stores and task queue into a
// private redis-server: what the run holds while active (planned, its first tasks queued) and
// once it is done (every task complete with its report, every task job finished and kept by the
// queue, its PRs' review records parked). Bytes per key by MEMORY USAGE (exact, SAMPLES 0),
// summed by owner: the run's keys expire RUN_RETENTION_DAYS after it ended, the queue's
// finished jobs after 7 days (their age limit), the review records with the run's.
export const MEMORY = { sizes: [10, 100, 1_000], reportChars: 2_000 } as const;

const OWNER = "octo-org";
const REPO = "memory";

export async function memoryBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-memory-"));
  const redis = await startEmbeddedRedis(join(dir, "redis"));
  // MEMORY USAGE answers for one node: this bench measures a single Redis.
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const figures: Record<string, number> = {};
  try {
    for (const size of MEMORY.sizes) {
      const prefix = `bench-memory-${size}`;
      const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
      const phases = await oneRun(connection, prefix, size);
      for (const [phase, usage] of Object.entries(phases)) {
        for (const [owner, bytes] of Object.entries(usage)) {
          figures[`run${size}.${phase}.${owner}.KiB`] = kib(bytes);
        }
      }
      figures[`run${size}.ended.perTask.bytes`] = Math.round(phases.ended.total / size);
    }
    return figures;
  } finally {
    connection.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oneRun(
  connection: Redis,
  prefix: string,
  size: number,
): Promise<{ active: Usage; ended: Usage }> {
  const refused: string[] = [];
  const store = redisRunStore(connection, prefix, {
    onRefused: (r) => refused.push(`${r.what} ${r.from}→${r.to}`),
  });
  const reviews = redisReviewStore(connection, prefix);
  const queue = taskQueue(connection, prefix);
  const issue = 1;
  const key = runKey(OWNER, REPO, issue);
  const plan = planned(generateTasks(size, Math.min(20, Math.ceil(size / 10))), undefined, issue);
  if (plan.kind !== "plan") throw new Error("the generated spec did not plan");
  const ready = new Set(plan.tasks.filter((t) => t.depends_on.length === 0).map((t) => t.id));
  const tasks = plan.tasks.map((t) => (ready.has(t.id) ? { ...t, status: "ready" as const } : t));
  await store.put({ run: runRecord(key, issue, plan.groups), tasks });
  const job = (t: TaskRecord) => ({
    runKey: key,
    taskId: t.id,
    installationId: 7,
    attempt: 1,
    generation: 1,
    priority: t.priority,
  });
  await queue.enqueue(tasks.filter((t) => ready.has(t.id)).map(job));
  const active = await usage(connection, prefix);

  // The run's whole life: every task's job queued and finished, every task complete.
  await queue.enqueue(tasks.filter((t) => !ready.has(t.id)).map(job));
  await finishJobs(connection, prefix, size);
  const at = new Date().toISOString();
  const report = "The agent's report: what it changed and why. "
    .repeat(50)
    .slice(0, MEMORY.reportChars);
  for (const t of tasks) {
    // The moves a task makes: queued, claimed by a worker, finished.
    for (const status of ["ready", "in_progress"] as const) {
      if (t.status === "ready" && status === "ready") continue;
      await store.updateTask(key, t.id, (task) => ({ ...task, status }));
    }
    await store.updateTask(key, t.id, (task) => ({
      ...task,
      status: "complete",
      attempts: 1,
      commit: "0123456789abcdef0123456789abcdef01234567",
      report,
      lastBackend: "codex",
      startedAt: at,
      finishedAt: at,
      durationMs: 123_456,
    }));
  }
  for (const [i, group] of plan.groups.entries()) {
    await reviews.track({
      owner: OWNER,
      repo: REPO,
      number: 100 + i,
      installationId: 7,
      runKey: key,
      group: group.name,
    });
    await reviews.park(OWNER, REPO, 100 + i);
  }
  await store.updateRun(key, (run) => ({
    ...run,
    state: "done",
    groups: run.groups.map((g, i) => ({
      ...g,
      pull: 100 + i,
      checkRun: {
        id: 9000 + i,
        headSha: "0123456789abcdef0123456789abcdef01234567",
        said: "success",
      },
      threads: { open: 0, resolved: 2, ignored: 0 },
    })),
  }));
  if (refused.length > 0) throw new Error(`the store refused: ${refused.slice(0, 3).join(", ")}`);
  const ended = await usage(connection, prefix);
  await queue.close();
  return { active, ended };
}

/** Runs every queued job of the prefix through a worker that does nothing, as finished work. */
async function finishJobs(connection: Redis, prefix: string, count: number): Promise<void> {
  let done = 0;
  const own = connection.duplicate();
  const worker = new Worker("tasks", async () => undefined, {
    connection: own,
    prefix,
    concurrency: 50,
  });
  worker.on("completed", () => {
    done++;
  });
  while (done < count) await sleep(20);
  await worker.close();
  own.disconnect();
}

interface Usage {
  run: number;
  reviews: number;
  queue: number;
  total: number;
}

/** Bytes of every key under the prefix, by what keeps it. */
async function usage(connection: Redis, prefix: string): Promise<Usage> {
  const out: Usage = { run: 0, reviews: 0, queue: 0, total: 0 };
  let cursor = "0";
  do {
    const [next, keys] = await connection.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const k of keys) {
      const bytes = Number(await connection.call("MEMORY", "USAGE", k, "SAMPLES", "0")) || 0;
      const rest = k.slice(prefix.length + 1);
      const owner = rest.startsWith("review:")
        ? "reviews"
        : rest.startsWith("tasks:")
          ? "queue"
          : "run";
      out[owner] += bytes;
      out.total += bytes;
    }
  } while (cursor !== "0");
  return out;
}

export function runRecord(
  key: string,
  issue: number,
  groups: Array<{ name: string; branch: string }>,
): RunRecord {
  const at = new Date().toISOString();
  return {
    key,
    owner: OWNER,
    repo: REPO,
    issueNumber: issue,
    installationId: 7,
    generation: 1,
    state: "running",
    reason: null,
    statusCommentId: 42,
    startedBy: "maintainer-user",
    origin: "bench",
    createdAt: at,
    updatedAt: at,
    questions: [],
    conversation: [],
    errors: [],
    awaitingApproval: false,
    config: parseRepoConfig({}),
    groups: groups.map((g) => ({ ...g, pull: null })),
  };
}
