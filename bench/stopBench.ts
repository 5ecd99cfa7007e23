import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadOperatorConfig } from "../src/config/env.js";
import { freePort, startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { runKey } from "../src/runs/run.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { type RunningOrchestrate, startOrchestrate } from "../src/server/startOrchestrate.js";
import { HELD_TASK, heldSpec } from "./budgetSpec.js";
import { epochMs, median, percentile, round, sleep } from "./stats.js";

// `/orchestrate stop` on a run whose one task's agent is at work: ms from the comment (its
// signed issue_comment webhook sent) to (a) the run recorded `stopped`, (b) its task recorded
// `cancelled` (the worker killed the agent's process group and said so), (c) the status comment
// saying Stopped. The real app in-process (server, events worker, one task worker, agents under
// bubblewrap) on an embedded redis-server and the sandbox GitHub, throttling off.
export const STOP = { warmup: 1, stops: 20 } as const;

const SECRET = "bench-stop-secret";
const MAINTAINER = "maintainer-user";
const OWNER = "octo-org";
const NAME = "stops";
const REPO = `${OWNER}/${NAME}`;
const POLL_MS = 2;
// Not a threshold: only a broken app takes this long, and the bench must not hang on one.
const GIVE_UP_MS = 120_000;
const AGENT = fileURLToPath(new URL("../../bench/agents/budget-agent.mjs", import.meta.url));

export async function stopBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-stop-"));
  const redis = await startEmbeddedRedis(join(dir, "redis"));
  const sandbox = await startSandbox({ dataDir: join(dir, "github") });
  const connection = redisConnection(redis.url);
  const prefix = "bench-stop";
  let app: RunningOrchestrate | null = null;
  try {
    await sandbox.createRepo({ owner: OWNER, name: NAME });
    sandbox.setPermission(REPO, MAINTAINER, "admin");
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
          // Works far longer than the bench waits: only the stop ends it.
          env: { BUDGET_AGENT_HOLD_TASK: HELD_TASK, BUDGET_AGENT_HOLD_MS: "600000" },
        },
      ]),
      LOG_LEVEL: "fatal",
      GITHUB_THROTTLE: "off",
      GITHUB_WRITE_SPACING_MS: "0",
    });
    app = await startOrchestrate({
      config,
      redisUrl: redis.url,
      host: "127.0.0.1",
      port: await freePort(),
      roles: { webhooks: true, events: true, worker: true, poller: false },
    });
    sandbox.setWebhookTarget({ url: `${app.url}${config.WEBHOOK_PATH}`, secret: SECRET });
    const store = redisRunStore(connection, prefix);
    const stopped: number[] = [];
    const cancelled: number[] = [];
    const said: number[] = [];
    for (let i = 0; i < STOP.warmup + STOP.stops; i++) {
      const issue = sandbox.createIssue(REPO, {
        title: `Stop ${i + 1}`,
        body: heldSpec(),
        user: MAINTAINER,
      });
      await sandbox.addLabel(REPO, issue.number, "orchestrate", MAINTAINER);
      const key = runKey(OWNER, NAME, issue.number);
      const task = async () => (await store.get(key))?.tasks.find((t) => t.id === HELD_TASK);
      await until("the agent to be at work", async () => (await task())?.status === "in_progress");
      // The agent's process starts a moment after the task is claimed.
      await sleep(500);
      const from = epochMs();
      await sandbox.comment(REPO, issue.number, MAINTAINER, "/orchestrate stop");
      const marks: Record<"stopped" | "cancelled" | "said", number | null> = {
        stopped: null,
        cancelled: null,
        said: null,
      };
      await until("the stop to be through", async () => {
        const snapshot = await store.get(key);
        const at = epochMs() - from;
        if (marks.stopped === null && snapshot?.run.state === "stopped") marks.stopped = at;
        const status = snapshot?.tasks.find((t) => t.id === HELD_TASK)?.status;
        if (marks.cancelled === null && status === "cancelled") marks.cancelled = at;
        const comment = sandbox
          .issueComments(REPO, issue.number)
          .find((c) => c.user === "orchestrate[bot]")?.body;
        if (marks.said === null && comment?.includes("**Stopped")) marks.said = at;
        return Object.values(marks).every((m) => m !== null);
      });
      if (i < STOP.warmup) continue;
      stopped.push(marks.stopped ?? 0);
      cancelled.push(marks.cancelled ?? 0);
      said.push(marks.said ?? 0);
    }
    await app.settle();
    const figures: Record<string, number> = {};
    for (const [name, values] of [
      ["runStopped", stopped],
      ["taskCancelled", cancelled],
      ["statusSaysStopped", said],
    ] as const) {
      figures[`stop.${name}.p50.ms`] = round(median(values), 1);
      figures[`stop.${name}.p99.ms`] = round(percentile(values, 99), 1);
      figures[`stop.${name}.max.ms`] = round(Math.max(...values), 1);
    }
    return figures;
  } finally {
    await app?.close();
    connection.disconnect();
    await sandbox.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
