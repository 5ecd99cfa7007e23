// The fault suite's harness: the e2e harness's shape (so test/e2e/helpers.ts works on it), with
// the Redis chosen by the test — a private one that can be stopped and started again — and the
// app's roles free to be none at all, when `orchestrate server` child processes do the work and
// this process only watches the sandbox and the queues.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { loadOperatorConfig } from "../../src/config/env.js";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { startSandbox } from "../../src/sandbox/sandbox.js";
import { buildEvent, deliver } from "../../src/sandbox/webhookDriver.js";
import { type Roles, startOrchestrate } from "../../src/server/startOrchestrate.js";
import { type Harness, WEBHOOK_SECRET } from "../e2e/harness.js";

export const MAINTAINER = "maintainer-user";

export const NO_ROLES: Roles = { webhooks: false, events: false, worker: false, poller: false };

export interface FaultHarnessOptions {
  /** default: the test run's shared redis-server */
  redisUrl?: string;
  /** default: webhooks, events and worker in this process */
  roles?: Partial<Roles>;
  env?: Record<string, string>;
  files?: Record<string, string>;
}

export async function startFaultHarness(o: FaultHarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox();
  const owner = "octo-org";
  const name = `faults-${randomUUID().slice(0, 8)}`;
  await sandbox.createRepo({ owner, name, files: o.files ?? { "README.md": "# demo\n" } });
  const repo = `${owner}/${name}`;
  sandbox.setPermission(repo, MAINTAINER, "admin");
  const dataDir = mkdtempSync(join(tmpdir(), "orchestrate-faults-"));
  const redisUrl = o.redisUrl ?? inject("redisUrl");
  const prefix = `faults-${randomUUID().slice(0, 8)}`;
  const config = loadOperatorConfig({
    APP_ID: String(sandbox.appId),
    PRIVATE_KEY: sandbox.privateKey,
    WEBHOOK_SECRET,
    GITHUB_API_URL: sandbox.url,
    ORCHESTRATE_PREFIX: prefix,
    ORCHESTRATE_DATA_DIR: dataDir,
    LOG_LEVEL: "fatal",
    GITHUB_THROTTLE: "off",
    ...o.env,
  });
  const roles = { webhooks: true, events: true, worker: true, poller: false, ...o.roles };
  const app = await startOrchestrate({
    config,
    redisUrl,
    host: "127.0.0.1",
    port: await freePort(),
    roles,
  });
  const webhookUrl = roles.webhooks ? `${app.url}${config.WEBHOOK_PATH}` : "";
  // Like the app's own connection: it waits through a Redis restart instead of failing.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", () => undefined);
  const store = redisRunStore(redis, prefix);
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
    settle: () => app.settle(),
    async close() {
      redis.disconnect();
      await app.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends a webhook to another URL than the harness's (a server child process's). */
export function sendTo(
  h: Harness,
  url: string,
  event: string,
  action: string | undefined,
  fields: Parameters<typeof buildEvent>[3],
  deliveryId?: string,
): ReturnType<typeof deliver> {
  const payload = buildEvent(h.sandbox, event, action, fields);
  return deliver({
    url,
    secret: WEBHOOK_SECRET,
    event,
    payload,
    ...(deliveryId ? { deliveryId } : {}),
  });
}
