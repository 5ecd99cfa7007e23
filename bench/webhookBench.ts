import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { loadOperatorConfig } from "../src/config/env.js";
import { freePort, startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { buildEvent, deliver } from "../src/sandbox/webhookDriver.js";
import { startOrchestrate } from "../src/server/startOrchestrate.js";
import { median, round, sleep } from "./stats.js";

// Webhook → first reaction of the app: a maintainer labels an issue whose spec holds a two-task
// plan; timed from the signed `issues.labeled` POST to (a) the webhook's 2xx, (b) the first
// ready task in the task queue, (c) the status comment on the issue. The real server and events
// worker (startOrchestrate, no task worker, so the task stays queued) against the sandbox GitHub
// in this process, polled every 2 ms. GitHub throttling is off: in production Probot lets one
// write per second through per installation, which adds up to a second or so to (b) and (c).
export const WEBHOOK = { warmup: 1, runs: 7 } as const;

const POLL_MS = 2;
// Not a threshold: only a broken app takes this long, and the bench must not hang on one.
const GIVE_UP_MS = 120_000;
const SECRET = "bench-webhook-secret";
const MAINTAINER = "maintainer-user";
const SPEC = [
  "Add saved searches.",
  "",
  "```yaml",
  "tasks:",
  "  - id: model",
  "    group: backend",
  "    title: Saved search model",
  "    description: Store a user's saved searches.",
  "  - id: api",
  "    group: backend",
  "    depends_on: [model]",
  "    title: Saved search API",
  "    description: CRUD endpoints.",
  "```",
].join("\n");

export async function webhookBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-"));
  const redis = await startEmbeddedRedis(join(dir, "redis"));
  const sandbox = await startSandbox();
  const connection = redisConnection(redis.url);
  const prefix = "bench-webhook";
  const tasks = new Queue("tasks", { connection, prefix });
  const events = new Queue("events", { connection, prefix });
  let app: Awaited<ReturnType<typeof startOrchestrate>> | null = null;
  try {
    const repo = "octo-org/bench";
    await sandbox.createRepo({ owner: "octo-org", name: "bench" });
    sandbox.setPermission(repo, MAINTAINER, "write");
    const config = loadOperatorConfig({
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: sandbox.privateKey,
      WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: sandbox.url,
      ORCHESTRATE_PREFIX: prefix,
      ORCHESTRATE_DATA_DIR: join(dir, "data"),
      LOG_LEVEL: "fatal",
      GITHUB_THROTTLE: "off",
      // The sandbox enforces GitHub's content limits: writes are paced, without the 1 s spacing.
      GITHUB_WRITE_SPACING_MS: "0",
    });
    app = await startOrchestrate({
      config,
      redisUrl: redis.url,
      host: "127.0.0.1",
      port: await freePort(),
      roles: { webhooks: true, events: true, worker: false, poller: false },
    });
    const url = `${app.url}${config.WEBHOOK_PATH}`;
    const queued = async () =>
      Object.values(await tasks.getJobCounts("waiting", "prioritized", "delayed", "active")).reduce(
        (a, b) => a + b,
        0,
      );

    const appCommented = (issue: number) =>
      sandbox.issueComments(repo, issue).some((c) => c.user === "orchestrate[bot]");

    const ack: number[] = [];
    const enqueued: number[] = [];
    const commented: number[] = [];
    for (let i = 0; i < WEBHOOK.warmup + WEBHOOK.runs; i++) {
      const issue = sandbox.createIssue(repo, {
        title: "Saved searches",
        body: SPEC,
        user: MAINTAINER,
      });
      const payload = buildEvent(sandbox, "issues", "labeled", {
        repo,
        sender: MAINTAINER,
        issue: issue.number,
        label: "orchestrate",
      });
      const before = await queued();
      const start = performance.now();
      let ackAt = 0;
      const delivery = deliver({ url, secret: SECRET, event: "issues", payload }).then((d) => {
        ackAt = performance.now();
        if (d.status >= 300) throw new Error(`the app answered the webhook with ${d.status}`);
      });
      let enqueuedAt = 0;
      let commentedAt = 0;
      while (enqueuedAt === 0 || commentedAt === 0) {
        const now = performance.now();
        if (now - start > GIVE_UP_MS) {
          throw new Error(`issue #${issue.number}: no status comment or queued task after 120 s`);
        }
        if (commentedAt === 0 && appCommented(issue.number)) commentedAt = now;
        if (enqueuedAt === 0 && (await queued()) > before) enqueuedAt = now;
        await sleep(POLL_MS);
      }
      await delivery;
      if (i >= WEBHOOK.warmup) {
        ack.push(ackAt - start);
        enqueued.push(enqueuedAt - start);
        commented.push(commentedAt - start);
      }
      await eventsIdle(events);
    }
    return {
      "webhook.labeled.ack.ms": round(median(ack), 1),
      "webhook.labeled.toTaskEnqueued.ms": round(median(enqueued), 1),
      "webhook.labeled.toTaskEnqueued.max.ms": round(Math.max(...enqueued), 1),
      "webhook.labeled.toStatusComment.ms": round(median(commented), 1),
      "webhook.labeled.toStatusComment.max.ms": round(Math.max(...commented), 1),
    };
  } finally {
    await app?.close();
    await tasks.close();
    await events.close();
    connection.disconnect();
    await sandbox.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Waits out the run's debounced status-comment edit (a delayed events job), so one trigger's
 * follow-up work does not run inside the next trigger's measurement.
 */
async function eventsIdle(events: Queue): Promise<void> {
  const until = Date.now() + GIVE_UP_MS;
  while (Date.now() < until) {
    const counts = await events.getJobCounts("waiting", "prioritized", "delayed", "active");
    if (Object.values(counts).every((n) => n === 0)) return;
    await sleep(20);
  }
}
