import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { keyPrefix } from "../src/queue/keyPrefix.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { redisReviewStore } from "../src/queue/redisReviewStore.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { runKey } from "../src/runs/run.js";
import { isEnded } from "../src/runs/runMachine.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { type KeySpread, startBenchCluster } from "./benchCluster.js";
import { type CliChild, startCliChild } from "./cliChild.js";
import { seedFollowedPulls } from "./followedPulls.js";
import { round, sleep } from "./stats.js";

// Peak RSS of `orchestrate server` (WORKER_CONCURRENCY=0) and `orchestrate worker` as separate
// processes, while the server follows 1,000 PRs and 50 runs are at work: the sandbox GitHub and
// a private Redis in this process, the two CLI processes against them as an operator runs them.
export const RSS = {
  /** followed PRs: repos x runs x PRs, each with THREADS threads nobody trusted wrote */
  repos: 10,
  runsPerRepo: 10,
  pullsPerRun: 10,
  threads: 2,
  runs: Number(process.env.BENCH_RSS_RUNS ?? 50),
  /** tasks per run, one group, each on the one before (so the group's branch takes them in turn) */
  tasksPerRun: 2,
  workerConcurrency: 4,
  agentMs: 1_000,
  pollSeconds: 5,
  minCycles: 6,
  redis: process.env.BENCH_RSS_REDIS === "cluster" ? "cluster" : "single",
} as const;

const SECRET = "bench-rss-secret";
const OWNER = "octo-org";
const LIVE = "rss";
const MAINTAINER = "maintainer-user";
const PREFIX = "bench-rss";
// Not a threshold: only a broken app takes this long, and the bench must not hang on one.
const GIVE_UP_MS = 15 * 60_000;
const AGENT = fileURLToPath(new URL("../../bench/agents/budget-agent.mjs", import.meta.url));

export async function rssBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-rss-"));
  const redis =
    RSS.redis === "cluster"
      ? await startBenchCluster()
      : { ...(await startEmbeddedRedis(join(dir, "redis"))), keySpread: null };
  const sandbox = await startSandbox({ dataDir: join(dir, "github") });
  const connection = redisConnection(redis.url);
  const prefix = keyPrefix(connection, PREFIX);
  const children: CliChild[] = [];
  try {
    // What the processes hold at work, not how they wait at GitHub's limits: one installation's
    // 50 runs pass 5,000 REST requests and 500 content writes an hour, and would wait for them.
    sandbox.state.restLimitPerHour = Number.MAX_SAFE_INTEGER;
    sandbox.state.contentLimits = null;
    await sandbox.createRepo({ owner: OWNER, name: LIVE });
    sandbox.setPermission(`${OWNER}/${LIVE}`, MAINTAINER, "admin");
    const seeded = await seedFollowedPulls(sandbox, connection, prefix, {
      owner: OWNER,
      repos: RSS.repos,
      runsPerRepo: RSS.runsPerRepo,
      pullsPerRun: RSS.pullsPerRun,
      threadsPerPull: RSS.threads,
      reviewer: "passer-by",
    });
    const port = await freePort();
    const env = (name: string) => ({
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: sandbox.privateKey,
      WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: sandbox.url,
      REDIS_URL: redis.url,
      ORCHESTRATE_PREFIX: PREFIX,
      ORCHESTRATE_DATA_DIR: join(dir, name),
      ORCHESTRATE_BACKENDS: JSON.stringify([
        {
          name: "bench",
          command: [process.execPath, AGENT],
          promptVia: "stdin",
          env: { BUDGET_AGENT_HOLD_TASK: "*", BUDGET_AGENT_HOLD_MS: String(RSS.agentMs) },
        },
      ]),
      POLL_INTERVAL_SECONDS: String(RSS.pollSeconds),
      LOG_LEVEL: "fatal",
      // Throttling and pacing change when requests go, not what the processes hold.
      GITHUB_THROTTLE: "off",
      GITHUB_WRITES_PER_MINUTE: "0",
      GITHUB_WRITE_SPACING_MS: "0",
    });
    const server = await startCliChild(
      "server",
      { ...env("server"), WORKER_CONCURRENCY: "0", HOST: "127.0.0.1", PORT: String(port) },
      "Orchestrate is listening",
    );
    children.push(server);
    const worker = await startCliChild(
      "worker",
      { ...env("worker"), WORKER_CONCURRENCY: String(RSS.workerConcurrency) },
      "Orchestrate worker started",
    );
    children.push(worker);
    const base = `http://127.0.0.1:${port}`;
    sandbox.setWebhookTarget({
      url: `${base}/api/github/webhooks`,
      secret: SECRET,
      appEvents: true,
    });

    const started = Date.now();
    const atStart = await pollFigures(base);
    const keys: string[] = [];
    for (let i = 0; i < RSS.runs; i++) {
      const issue = sandbox.createIssue(`${OWNER}/${LIVE}`, {
        title: `RSS run ${i + 1}`,
        body: spec(),
        user: MAINTAINER,
      });
      await sandbox.addLabel(`${OWNER}/${LIVE}`, issue.number, "orchestrate", MAINTAINER);
      keys.push(runKey(OWNER, LIVE, issue.number));
    }
    const watched = await watchRuns(redisRunStore(connection, prefix), keys, children, base);
    const polls = await pollFigures(base);
    const cycles = polls.cycles - atStart.cycles;
    const figures: Record<string, number> = {
      "rss.server.peak.MiB": round(server.peakRssKb() / 1024, 1),
      "rss.worker.peak.MiB": round(worker.peakRssKb() / 1024, 1),
      "rss.followedPulls.seeded": seeded,
      "rss.followedPulls.atEnd": await followed(connection, prefix),
      "rss.runs": RSS.runs,
      "rss.runs.activeMax": watched.activeMax,
      "rss.tasks.complete": watched.tasksDone,
      "rss.tasks.inProgressMax": watched.inProgressMax,
      "rss.pollCycles": cycles,
      "rss.pollCycles.pullsChecked.mean": round((polls.pulls - atStart.pulls) / cycles, 0),
      "rss.seconds": round((Date.now() - started) / 1000, 0),
    };
    if (redis.keySpread) Object.assign(figures, spreadFigures(await redis.keySpread()));
    return figures;
  } finally {
    for (const child of children.reverse()) await child.stop();
    connection.disconnect();
    await sandbox.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One group of RSS.tasksPerRun tasks, each depending on the one before, as a yaml task list. */
function spec(): string {
  const tasks = Array.from({ length: RSS.tasksPerRun }, (_, t) => [
    `  - id: step${t + 1}`,
    "    group: work",
    ...(t > 0 ? [`    depends_on: [step${t}]`] : []),
    `    title: Step ${t + 1}`,
    `    description: Make change ${t + 1}.`,
  ]).flat();
  return ["RSS bench work.", "", "```yaml", "tasks:", ...tasks, "```", ""].join("\n");
}

/**
 * Samples the runs every 500 ms until none is left active and the server has run
 * RSS.minCycles poll cycles since `base`'s /metrics was first read; fails if a process died.
 */
async function watchRuns(
  store: ReturnType<typeof redisRunStore>,
  keys: string[],
  children: CliChild[],
  base: string,
): Promise<{ activeMax: number; inProgressMax: number; tasksDone: number }> {
  const started = Date.now();
  const atStart = (await pollFigures(base)).cycles;
  let activeMax = 0;
  let inProgressMax = 0;
  let lastReport = started;
  for (;;) {
    const died = children.find((child) => !child.running());
    if (died) throw new Error(`an orchestrate process exited mid-bench:\n${died.output()}`);
    const snapshots = await Promise.all(keys.map((key) => store.get(key)));
    const failed = snapshots.find(
      (s) => s && ["failed", "stopped", "needs-input"].includes(s.run.state),
    );
    if (failed) {
      throw new Error(`run ${failed.run.key} ended ${failed.run.state}: ${failed.run.reason}`);
    }
    const active = snapshots.filter((s) => !s || !isEnded(s.run.state)).length;
    const tasks = snapshots.flatMap((s) => s?.tasks ?? []);
    const tasksDone = tasks.filter((t) => t.status === "complete").length;
    activeMax = Math.max(activeMax, active);
    inProgressMax = Math.max(inProgressMax, tasks.filter((t) => t.status === "in_progress").length);
    const cycles = (await pollFigures(base)).cycles - atStart;
    if (active === 0 && cycles >= RSS.minCycles) return { activeMax, inProgressMax, tasksDone };
    if (Date.now() - started > GIVE_UP_MS) {
      throw new Error(`after ${GIVE_UP_MS / 60_000} min ${active} runs were still active`);
    }
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      process.stderr.write(
        `  rss: ${Math.round((lastReport - started) / 1000)} s, ${active} runs active, ${tasksDone} tasks complete, ${cycles} poll cycles\n`,
      );
    }
    await sleep(500);
  }
}

/** Poll cycles completed and PRs they checked, as the server's /metrics counts them. */
async function pollFigures(base: string): Promise<{ cycles: number; pulls: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    cycles: read(/^orchestrate_poll_cycles_total\{outcome="ok"\} (\d+)/m),
    pulls: read(/^orchestrate_review_pulls_checked_total\{trigger="poll"\} (\d+)/m),
  };
}

async function followed(
  connection: ReturnType<typeof redisConnection>,
  prefix: string,
): Promise<number> {
  const polled = await redisReviewStore(connection, prefix).polled();
  return [...polled.values()].reduce((sum, pulls) => sum + pulls.length, 0);
}

function spreadFigures(spread: KeySpread): Record<string, number> {
  const figures: Record<string, number> = { "rss.cluster.slotsUsed": spread.slots };
  for (const [i, keys] of spread.keysPerMaster.entries()) {
    figures[`rss.cluster.master${i + 1}.keys`] = keys;
    figures[`rss.cluster.master${i + 1}.commands`] = spread.commandsPerMaster[i] ?? 0;
  }
  return figures;
}
