import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { loadOperatorConfig, type OperatorConfig } from "../src/config/env.js";
import { freePort, startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { redisReviewStore } from "../src/queue/redisReviewStore.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { runKey } from "../src/runs/run.js";
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.js";
import type { RecordedRequest } from "../src/sandbox/state.js";
import { type RunningOrchestrate, startOrchestrate } from "../src/server/startOrchestrate.js";
import { type BudgetGroup, budgetGroups, budgetSpec, HELD_TASK, heldSpec } from "./budgetSpec.js";
import { sleep } from "./stats.js";

// One case of the budget bench: `runs` runs at once in one installation (one repository), each
// from a labelled issue through its plan, tasks and PRs, one review thread per PR fixed,
// answered and resolved, to `done`; then a quiet spell of review polling. Returns the slices of
// the sandbox's request log for the run lifetimes and for each poll cycle.

export interface BudgetCaseOptions {
  runs: number;
  pollSeconds: number;
  /** poll cycles measured after the first (cold) one */
  pollCycles: number;
  workerConcurrency: number;
  /** the sandbox's secondary limit on writes (80/min, 500/h) instead of none */
  contentLimits: boolean;
  throttle: boolean;
  /** seconds to watch one more run while its agent works (0: not watched) */
  workingSeconds: number;
  progress(line: string): void;
}

export interface BudgetCase {
  installationId: number;
  lifetimeSeconds: number;
  lifetime: RecordedRequest[];
  /** the first poll cycle, then `pollCycles` more */
  cycles: RecordedRequest[][];
  /** requests of the quiet spell that fell in no poll cycle (expected: none) */
  outsideCycles: RecordedRequest[];
  trackedPulls: number;
  /** what one more run spent over `workingSeconds` while its only task's agent worked */
  working: RecordedRequest[];
  workingSeconds: number;
  /** every request of the case, for the busiest minute */
  all: RecordedRequest[];
}

const SECRET = "bench-budget-secret";
const MAINTAINER = "maintainer-user";
const REVIEWER = "reviewer-user";
const OWNER = "octo-org";
const NAME = "budget";
const REPO = `${OWNER}/${NAME}`;
// Not a threshold: only a broken app takes this long, and the bench must not hang on one.
const GIVE_UP_MS = 45 * 60_000;
/** seconds between the held task's start and the watched span, past its first status edit */
const WATCH_AFTER_S = 3;
const AGENT = fileURLToPath(new URL("../../bench/agents/budget-agent.mjs", import.meta.url));

export async function budgetCase(o: BudgetCaseOptions): Promise<BudgetCase> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-budget-"));
  const redis = await startEmbeddedRedis(join(dir, "redis"));
  const sandbox = await startSandbox({ dataDir: join(dir, "github") });
  const connection = redisConnection(redis.url);
  const prefix = "bench-budget";
  let app: RunningOrchestrate | null = null;
  try {
    sandbox.state.contentLimits = o.contentLimits ? { perMinute: 80, perHour: 500 } : null;
    // The bench counts what the runs ask for: at 50 runs they pass GitHub's 5,000 REST requests
    // an hour within minutes, and the sandbox's 403s would fail their tasks.
    sandbox.state.restLimitPerHour = Number.MAX_SAFE_INTEGER;
    const repo = await sandbox.createRepo({ owner: OWNER, name: NAME });
    sandbox.setPermission(REPO, MAINTAINER, "admin");
    sandbox.setPermission(REPO, REVIEWER, "write");
    const config = loadOperatorConfig({
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: sandbox.privateKey,
      WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: sandbox.url,
      ORCHESTRATE_PREFIX: prefix,
      ORCHESTRATE_DATA_DIR: join(dir, "data"),
      ORCHESTRATE_BACKENDS: JSON.stringify([
        {
          name: "bench",
          command: [process.execPath, AGENT],
          promptVia: "stdin",
          env: {
            BUDGET_AGENT_HOLD_TASK: HELD_TASK,
            // past the watched span, so the agent is still working when it ends
            BUDGET_AGENT_HOLD_MS: String((o.workingSeconds + WATCH_AFTER_S + 10) * 1000),
          },
        },
      ]),
      WORKER_CONCURRENCY: String(o.workerConcurrency),
      POLL_INTERVAL_SECONDS: String(o.pollSeconds),
      LOG_LEVEL: "fatal",
      GITHUB_THROTTLE: o.throttle ? "on" : "off",
      // Pacing changes when requests go, not how many: off, unless GitHub's limits are on.
      GITHUB_WRITES_PER_MINUTE: o.contentLimits ? "70" : "0",
      GITHUB_WRITE_SPACING_MS: "0",
    });
    // Server, events and task workers; the poller starts in its own instance after the runs, so
    // the lifetimes hold no poll cycles at the bench's short interval (the hour adds them).
    app = await startOrchestrate({
      config,
      redisUrl: redis.url,
      host: "127.0.0.1",
      port: await freePort(),
      roles: { webhooks: true, events: true, worker: true, poller: false },
    });
    // GitHub also sends the events the app's own writes cause; the app must be fed them too.
    sandbox.setWebhookTarget({
      url: `${app.url}${config.WEBHOOK_PATH}`,
      secret: SECRET,
      appEvents: true,
    });

    const start = sandbox.state.requests.length;
    const started = Date.now();
    const issues: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const issue = sandbox.createIssue(REPO, {
        title: `Budget run ${i + 1}`,
        body: budgetSpec(),
        user: MAINTAINER,
      });
      await sandbox.addLabel(REPO, issue.number, "orchestrate", MAINTAINER);
      issues.push(issue.number);
    }
    o.progress(`${o.runs} issues labelled`);
    await driveRuns(sandbox, redisRunStore(connection, prefix), issues, o.progress);
    await app.settle();
    await sandbox.webhooksSettled();
    const lifetimeSeconds = (Date.now() - started) / 1000;
    const lifetimeEnd = sandbox.state.requests.length;
    o.progress(`every run done after ${lifetimeSeconds.toFixed(0)} s; polling`);

    const polling = await measurePolling(config, redis.url, o.pollCycles);
    await app.settle();
    const quiet = sandbox.state.requests.slice(lifetimeEnd);
    const inCycle = (r: RecordedRequest) =>
      polling.some((w) => r.arrivedAt >= w.from && r.at <= w.to);
    const tracked = await redisReviewStore(connection, prefix).polled();
    const working =
      o.workingSeconds > 0
        ? await watchWorkingRun(sandbox, redisRunStore(connection, prefix), o)
        : [];
    await app.settle();
    return {
      installationId: repo.installationId,
      lifetimeSeconds,
      lifetime: sandbox.state.requests.slice(start, lifetimeEnd),
      cycles: polling.map((w) => quiet.filter((r) => r.arrivedAt >= w.from && r.at <= w.to)),
      outsideCycles: quiet.filter((r) => !inCycle(r)),
      trackedPulls: tracked.get(repo.installationId)?.length ?? 0,
      working,
      workingSeconds: o.workingSeconds,
      all: sandbox.state.requests.slice(start),
    };
  } finally {
    await app?.close();
    connection.disconnect();
    await sandbox.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the poller in an instance of its own until it has done `cycles` + 1 passes, and returns
 * when each pass ran (BullMQ's record of the poll jobs): one pass at a time, so the requests
 * made within a pass's span are that pass's.
 */
async function measurePolling(
  config: OperatorConfig,
  redisUrl: string,
  cycles: number,
): Promise<Array<{ from: number; to: number }>> {
  const poller = await startOrchestrate({
    config,
    redisUrl,
    roles: { webhooks: false, events: false, worker: false, poller: true },
  });
  const connection = redisConnection(redisUrl);
  const polls = new Queue("poll", { connection, prefix: config.ORCHESTRATE_PREFIX });
  try {
    while ((await polls.getCompletedCount()) < cycles + 1) await sleep(100);
  } finally {
    await poller.close();
  }
  try {
    return (await polls.getJobs(["completed"], 0, -1))
      .map((j) => ({ from: j.processedOn ?? 0, to: j.finishedOn ?? 0 }))
      .sort((a, b) => a.from - b.from);
  } finally {
    await polls.close();
    connection.disconnect();
  }
}

/**
 * Waits for every run to open its PRs, leaves one review thread on each as a maintainer would,
 * and waits for the run to be `done` with every thread resolved.
 */
async function driveRuns(
  sandbox: Sandbox,
  store: ReturnType<typeof redisRunStore>,
  issues: number[],
  progress: (line: string) => void,
): Promise<void> {
  const groups = budgetGroups();
  const reviewed = new Map<number, number[]>();
  const finished = new Set<number>();
  const deadline = Date.now() + GIVE_UP_MS;
  let lastReport = 0;
  while (finished.size < issues.length) {
    for (const issue of issues) {
      if (finished.has(issue)) continue;
      const snapshot = await store.get(runKey(OWNER, NAME, issue));
      const run = snapshot?.run;
      if (run && ["failed", "stopped", "needs-input"].includes(run.state)) {
        const why = (snapshot?.tasks ?? [])
          .filter((t) => t.status === "failed")
          .map((t) => `${t.id}: ${(t.report ?? "").split("\n")[0]}`);
        throw new Error(
          `run #${issue} ended ${run.state}: ${run.reason ?? "no reason given"}${why.length ? ` (${why.join("; ")})` : ""}`,
        );
      }
      const pulls = groups.map((g) => run?.groups.find((r) => r.name === g.name)?.pull ?? null);
      if (!reviewed.has(issue) && pulls.every((p) => p !== null)) {
        await reviewEach(sandbox, groups, pulls as number[]);
        reviewed.set(issue, pulls as number[]);
        continue;
      }
      const mine = reviewed.get(issue);
      if (mine && run?.state === "done" && allResolved(sandbox, mine)) finished.add(issue);
    }
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      progress(
        `${reviewed.size}/${issues.length} runs reviewed, ${finished.size} done, ${sandbox.state.requests.length} requests`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`after ${GIVE_UP_MS / 60_000} min only ${finished.size} runs were done`);
    }
    await sleep(250);
  }
}

/**
 * One more run, of one task whose agent works for a while: the requests of `workingSeconds`
 * from just after its start (what an active run costs while its agents work — the status
 * comment's refresh ticks), then waits for the run to end.
 */
async function watchWorkingRun(
  sandbox: Sandbox,
  store: ReturnType<typeof redisRunStore>,
  o: BudgetCaseOptions,
): Promise<RecordedRequest[]> {
  const issue = sandbox.createIssue(REPO, {
    title: "Long task",
    body: heldSpec(),
    user: MAINTAINER,
  });
  await sandbox.addLabel(REPO, issue.number, "orchestrate", MAINTAINER);
  const key = runKey(OWNER, NAME, issue.number);
  const deadline = Date.now() + GIVE_UP_MS;
  const held = async () => (await store.get(key))?.tasks.find((t) => t.id === HELD_TASK)?.status;
  while ((await held()) !== "in_progress") {
    if (Date.now() > deadline) throw new Error("the held task never started");
    await sleep(100);
  }
  await sleep(WATCH_AFTER_S * 1000);
  o.progress(`watching a run whose agent works, ${o.workingSeconds} s`);
  const from = sandbox.state.requests.length;
  await sleep(o.workingSeconds * 1000);
  const watched = sandbox.state.requests.slice(from);
  while ((await store.get(key))?.run.state !== "done") {
    if (Date.now() > deadline) throw new Error("the held task's run never ended");
    await sleep(250);
  }
  return watched;
}

/** One thread on each PR, on the first line of the file its group's first task wrote. */
async function reviewEach(sandbox: Sandbox, groups: BudgetGroup[], pulls: number[]): Promise<void> {
  for (const [i, group] of groups.entries()) {
    await sandbox.postReview(REPO, pulls[i] as number, {
      user: REVIEWER,
      comments: [{ path: group.firstFile, line: 1, body: "Please say why in this line too." }],
    });
  }
}

function allResolved(sandbox: Sandbox, pulls: number[]): boolean {
  const threads = [...(sandbox.state.repos.get(REPO)?.threads.values() ?? [])].filter((t) =>
    pulls.includes(t.pullNumber),
  );
  return threads.length === pulls.length && threads.every((t) => t.isResolved);
}
