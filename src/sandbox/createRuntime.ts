import { dirname } from "node:path";
import { createActionsRunner } from "./actions/actionsRunner.js";
import { botLogin } from "./createState.js";
import { KeyedLock } from "./keyedLock.js";
import { pushPayload } from "./pushEvent.js";
import { RateLimits } from "./rateLimits.js";
import { fullName } from "./rest/issueEvent.js";
import { openApiIndex } from "./rest/openApiIndex.js";
import type { SandboxRuntime } from "./runtime.js";
import type { SandboxRepo, SandboxState } from "./state.js";
import { syncPulls } from "./syncPulls.js";
import { buildEvent } from "./webhookDriver.js";
import type { WebhookOutbox } from "./webhookOutbox.js";

export interface SandboxRuntimeWithSync extends SandboxRuntime {
  /**
   * Syncs pull requests after refs moved and sends pull_request.synchronize / .closed: as the
   * app's doing (queued) when `person` is null, else awaited as that person's.
   */
  syncAndNotify(repo: SandboxRepo, person: string | null): Promise<void>;
}

/** The shared machinery behind the sandbox's HTTP doors and its people helpers. */
export function createRuntime(
  state: SandboxState,
  o: { projectRoot: string; log: (line: string) => void; outbox: WebhookOutbox },
): SandboxRuntimeWithSync {
  const locks = new KeyedLock();
  let requestCount = 0;
  const startedAt = Math.floor(Date.now() / 1000)
    .toString(16)
    .toUpperCase();

  const syncOne = async (repo: SandboxRepo, person: string | null) => {
    const changes = await locks.run(`sync:${repo.id}`, () => syncPulls(state, repo));
    const wanted = person !== null ? o.outbox.target !== null : o.outbox.target?.appEvents === true;
    if (!wanted) return;
    const sender = person ?? botLogin(state);
    const events = [
      ...changes.moved.map((m) => ({
        action: "synchronize",
        pull: m.number,
        patch: { before: m.before, after: m.after },
      })),
      ...changes.retargeted.map((r) => ({
        action: "edited",
        pull: r.number,
        patch: { changes: { base: { ref: { from: r.from.ref }, sha: { from: r.from.sha } } } },
      })),
      ...changes.closed.map((number) => ({ action: "closed", pull: number, patch: {} })),
    ];
    // GitHub sends `push` for every branch moved (before the PR syncs it causes), to the Apps
    // installed on the repository: a fork nobody installed the App on sends the App nothing.
    const installed = state.installations.has(repo.installationId);
    for (const move of installed ? changes.branches : []) {
      const payload = await pushPayload(state, repo, move, sender);
      if (person === null) o.outbox.queue("push", payload);
      else await o.outbox.deliverNow("push", payload);
    }
    for (const e of events) {
      const payload = {
        ...buildEvent({ state }, "pull_request", e.action, {
          repo: fullName(repo),
          sender,
          pull: e.pull,
        }),
        ...e.patch,
      };
      if (person === null) o.outbox.queue("pull_request", payload);
      else await o.outbox.deliverNow("pull_request", payload);
    }
  };

  // GitHub Actions' webhooks are nobody's request: delivered in order, whoever pushed.
  const actions = createActionsRunner({
    state,
    dataDir: dirname(o.projectRoot),
    deliver: (event, payload) => {
      o.outbox.deliverNow(event, payload).catch((error: unknown) => {
        o.log(`webhook ${event} refused: ${error instanceof Error ? error.message : error}`);
      });
    },
  });

  // Refs of a fork moved: the pull requests it has open in other repositories follow too.
  const syncAndNotify = async (repo: SandboxRepo, person: string | null) => {
    await syncOne(repo, person);
    await actions.refsMoved(repo);
    for (const base of state.repos.values()) {
      if (base.id === repo.id) continue;
      if ([...base.pulls.values()].some((p) => p.headRepoId === repo.id && p.state === "open")) {
        await syncOne(base, person);
      }
    }
  };

  return {
    state,
    index: openApiIndex(),
    projectRoot: o.projectRoot,
    log: o.log,
    services: {
      rateLimits: new RateLimits(state),
      actions,
      syncPulls: (repo) => syncAndNotify(repo, null),
      withRepoLock: (repo, fn) => locks.run(`repo:${repo.id}`, fn),
      appEventsWanted: () => o.outbox.target?.appEvents === true,
      queueAppEvent: (event, payload) => o.outbox.queue(event, payload),
    },
    syncAndNotify,
    newRequestId: () => {
      // GitHub's request ids are five hex fields; unique per request is what matters
      requestCount += 1;
      const n = requestCount.toString(16).toUpperCase().padStart(8, "0");
      return `5A4D:${process.pid.toString(16).toUpperCase()}:${n}:0:${startedAt}`;
    },
    fidelity: (method, path, reason) => {
      state.fidelityFailures.push({ method, path, reason });
      o.log(`FIDELITY ${method} ${path}: ${reason}`);
    },
  };
}
