import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { inject } from "vitest";
import { loadOperatorConfig } from "../../src/config/env.js";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { keyPrefix } from "../../src/queue/keyPrefix.js";
import { type RedisClient, redisConnection } from "../../src/queue/redisConnection.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import type { RunSnapshot } from "../../src/runs/run.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { buildEvent, deliver } from "../../src/sandbox/webhookDriver.js";
import {
  type Roles,
  type RunningOrchestrate,
  type StartOptions,
  startOrchestrate,
} from "../../src/server/startOrchestrate.js";

export const WEBHOOK_SECRET = "e2e-webhook-secret";

export interface Harness {
  sandbox: Sandbox;
  app: RunningOrchestrate;
  repo: string;
  owner: string;
  webhookUrl: string;
  /** the app's ORCHESTRATE_DATA_DIR: worktrees, agents' prompts and logs */
  dataDir: string;
  /** what `orchestrate worker` processes need to share this app's queues */
  redisUrl: string;
  prefix: string;
  /** the run of an issue as Redis holds it */
  run(issueNumber: number): Promise<RunSnapshot | null>;
  /** POSTs a real example payload, pointed at the sandbox repo, signed like GitHub signs it */
  send(
    event: string,
    action: string | undefined,
    fields: Parameters<typeof buildEvent>[3],
    deliveryId?: string,
  ): Promise<{ status: number; deliveryId: string }>;
  /** resolves when every queued job has been processed */
  settle(): Promise<void>;
  /** one more Orchestrate process (in this one) sharing the Redis: another machine's roles */
  another(roles: Partial<Roles>): Promise<RunningOrchestrate>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    roles?: Partial<Roles>;
    env?: Record<string, string>;
    files?: Record<string, string>;
    defaultBranch?: string;
    /** a private repository (public by default) */
    private?: boolean;
    /** default: the test run's shared redis-server */
    redisUrl?: string;
    /** prefix of the repository's name, so a suite's repos are told apart */
    repoPrefix?: string;
    /** the app's logger, for tests that read what it logged */
    log?: StartOptions["log"];
    /** the write budget's windows, shortened so a test sees an "hour" pass */
    writeWindows?: StartOptions["writeWindows"];
  } = {},
): Promise<Harness> {
  const sandbox = await startSandbox();
  const owner = "octo-org";
  const name = `${options.repoPrefix ?? "app"}-${randomUUID().slice(0, 8)}`;
  await sandbox.createRepo({
    owner,
    name,
    files: options.files ?? { "README.md": "# demo\n" },
    ...(options.defaultBranch ? { defaultBranch: options.defaultBranch } : {}),
    ...(options.private ? { private: true } : {}),
  });
  const dataDir = mkdtempSync(join(tmpdir(), "orchestrate-e2e-"));
  const redisUrl = options.redisUrl ?? inject("redisUrl");
  const prefix = `e2e-${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    APP_ID: String(sandbox.appId),
    PRIVATE_KEY: sandbox.privateKey,
    WEBHOOK_SECRET,
    GITHUB_API_URL: sandbox.url,
    ORCHESTRATE_PREFIX: prefix,
    ORCHESTRATE_DATA_DIR: dataDir,
    LOG_LEVEL: "fatal",
    GITHUB_THROTTLE: "off",
    // The sandbox enforces GitHub's content limits: writes are paced, without the 1 s spacing.
    GITHUB_WRITE_SPACING_MS: "0",
    ...options.env,
  };
  const config = loadOperatorConfig(env);
  const app = await startOrchestrate({
    config,
    redisUrl,
    host: "127.0.0.1",
    port: await freePort(),
    roles: { webhooks: true, events: true, worker: true, poller: false, ...options.roles },
    ...(options.log ? { log: options.log } : {}),
    ...(options.writeWindows ? { writeWindows: options.writeWindows } : {}),
  });
  const others: { app: RunningOrchestrate; dataDir: string }[] = [];
  const webhookUrl = app.url ? `${app.url}${config.WEBHOOK_PATH}` : "";
  const repo = `${owner}/${name}`;
  // Like the app's own connection: it waits through a Redis restart instead of failing.
  const redis = redisConnection(redisUrl);
  redis.on("error", () => undefined);
  const store = redisRunStore(redis, keyPrefix(redis, prefix));
  return {
    sandbox,
    app,
    repo,
    owner,
    webhookUrl,
    dataDir,
    redisUrl,
    prefix,
    run: (issueNumber) => store.get(`${repo}#${issueNumber}`),
    async send(event, action, fields, deliveryId) {
      const payload = buildEvent(sandbox, event, action, fields);
      return deliver({ url: webhookUrl, secret: WEBHOOK_SECRET, event, payload, deliveryId });
    },
    settle: async () => {
      // A settle that takes long says what it waits for: a test that then times out is
      // explained by the jobs still pending, not only by the timeout.
      const report = setInterval(
        () => void reportPending(redis, keyPrefix(redis, prefix), sandbox),
        60_000,
      );
      try {
        await app.settle();
        for (const other of others) await other.app.settle();
      } finally {
        clearInterval(report);
      }
    },
    async another(roles) {
      // Another machine: its own data folder, the same Redis, App and GitHub.
      const otherDir = mkdtempSync(join(tmpdir(), "orchestrate-e2e-"));
      const other = await startOrchestrate({
        config: loadOperatorConfig({ ...env, ORCHESTRATE_DATA_DIR: otherDir }),
        redisUrl,
        roles: { webhooks: false, events: false, worker: false, poller: false, ...roles },
        ...(options.writeWindows ? { writeWindows: options.writeWindows } : {}),
      });
      others.push({ app: other, dataDir: otherDir });
      return other;
    },
    async close() {
      redis.disconnect();
      for (const other of others) {
        await other.app.close();
        rmSync(other.dataDir, { recursive: true, force: true });
      }
      await app.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function reportPending(redis: RedisClient, prefix: string, sandbox: Sandbox): Promise<void> {
  const lines: string[] = [];
  for (const name of ["events", "tasks"]) {
    const queue = new Queue(name, { connection: redis, prefix });
    const jobs = await queue.getJobs(["waiting", "active", "delayed", "prioritized"]);
    for (const job of jobs) {
      const state = await job.getState();
      const due = job.delay ? ` due in ${job.timestamp + job.delay - Date.now()} ms` : "";
      lines.push(`${name} ${job.id} ${state}${due} attempts ${job.attemptsMade}`);
    }
    await queue.close();
  }
  // What GitHub was asked in the last half minute: what the pending jobs keep doing.
  const since = Date.now() - 30_000;
  const asked = sandbox.state.requests
    .filter((r) => r.at > since)
    .map((r) => `${new Date(r.at).toISOString()} ${r.method} ${r.operation} ${r.status}`);
  console.error(`settle still waiting on:\n${[...lines, ...asked].join("\n")}`);
}
