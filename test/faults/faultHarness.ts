// The fault suite's harness: the e2e harness with a maintainer, on the Redis chosen by the test
// — a private one that can be stopped and started again — and with the app's roles free to be
// none at all, when `orchestrate server` child processes do the work and this process only
// watches the sandbox and the queues.
import { buildEvent, deliver } from "../../src/sandbox/webhookDriver.js";
import type { Roles } from "../../src/server/startOrchestrate.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "../e2e/harness.js";

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
  const h = await startHarness({ ...o, repoPrefix: "faults" });
  h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
  return h;
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
