// A worker process as the bench runs it: the project's own startTaskWorker on its own Redis
// connection, with a processor chosen by mode (see workerMessages.ts). Started by
// bench/workerChild.ts with fork(); arguments: <redisUrl> <prefix> <concurrency> <mode>.
// It connects, says "ready", and takes jobs only after "go", so the parent can time a start.
import { keyPrefix } from "../src/queue/keyPrefix.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import type { TaskJob } from "../src/queue/taskJob.js";
import { startTaskWorker, type TaskWorkerHandle } from "../src/queue/taskQueue.js";
import type { RunStore } from "../src/runs/runStore.js";
import { epochMs } from "./stats.js";
import { type FromChild, isToChild, WORKER_MODES, type WorkerMode } from "./workerMessages.js";

const { url, prefix: plainPrefix, concurrency, mode } = parseArgs(process.argv.slice(2));
const connection = redisConnection(url);
const prefix = keyPrefix(connection, plainPrefix);
const store = redisRunStore(connection, prefix);
const starts: Array<[string, number]> = [];
let processed = 0;
let failed = 0;
let worker: TaskWorkerHandle | null = null;
let stopping = false;

process.on("message", (message: unknown) => {
  if (!isToChild(message)) return;
  if (message.type === "go") go();
  else void stop();
});
// The parent went away without asking: do not linger.
process.on("disconnect", () => void stop());
await connection.ping();
send({ type: "ready" });

function parseArgs(args: string[]): {
  url: string;
  prefix: string;
  concurrency: number;
  mode: WorkerMode;
} {
  const [url, prefix, concurrencyText, modeText] = args;
  const concurrency = Number(concurrencyText);
  const mode = WORKER_MODES.find((m) => m === modeText);
  if (url && prefix && Number.isInteger(concurrency) && concurrency > 0 && mode && process.send) {
    return { url, prefix, concurrency, mode };
  }
  process.stderr.write("usage: fork workerProcess.js <redisUrl> <prefix> <concurrency> <mode>\n");
  process.exit(2);
}

function go(): void {
  if (worker || stopping) return;
  worker = startTaskWorker(connection, prefix, (job) => processJob(mode, job), {
    concurrency,
    onInvalid: () => {
      failed += 1;
    },
    onError: (error) => process.stderr.write(`bench worker: ${error.message}\n`),
  });
  send({ type: "started" });
}

async function processJob(how: WorkerMode, job: TaskJob): Promise<void> {
  if (how === "latency") starts.push([job.taskId, epochMs()]);
  if (how === "store") await claimAndComplete(store, job);
  processed += 1;
}

/** The store round trips of processTask for a task whose agent has nothing to do. */
async function claimAndComplete(runs: RunStore, job: TaskJob): Promise<void> {
  const snapshot = await runs.get(job.runKey);
  if (!snapshot) throw new Error(`bench: run ${job.runKey} was not seeded`);
  const claimed = await runs.updateTask(job.runKey, job.taskId, (t) =>
    t.status === "ready"
      ? { ...t, status: "in_progress", attempts: job.attempt, startedAt: new Date().toISOString() }
      : null,
  );
  if (!claimed) return;
  await runs.updateTask(job.runKey, job.taskId, (t) =>
    t.status === "in_progress"
      ? { ...t, status: "complete", finishedAt: new Date().toISOString() }
      : null,
  );
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await worker?.close();
  connection.disconnect();
  // Disconnect only once the report is written, or it could be lost with the channel.
  send(
    { type: "stopped", processed, failed, maxRssKb: process.resourceUsage().maxRSS, starts },
    () => process.disconnect?.(),
  );
}

function send(message: FromChild, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => then?.());
  else then?.();
}
