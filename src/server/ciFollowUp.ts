import type { GitHubPort } from "../github/githubPort.js";
import type { EventJob } from "../queue/eventJob.js";
import type { EventQueue } from "../queue/eventQueue.js";
import { followChecks } from "../runs/ci/followChecks.js";
import type { ReviewStore, TrackedPullRecord } from "../runs/reviewStore.js";
import type { Dispatcher } from "../runs/runLifecycle.js";
import type { RunStore } from "../runs/runStore.js";
import { settleRun } from "../runs/settleRun.js";

export interface CiFollowUpDeps {
  store: RunStore;
  reviews: ReviewStore;
  events: EventQueue;
  dispatcher: Pick<Dispatcher, "dispatchReady">;
}

/**
 * CI follow-up of followed pull requests, from a CI webhook (`checks` job) or the poll. The
 * poll looks only at heads whose CI has not settled: a quiet run costs it nothing.
 */
export function ciFollowUp(deps: CiFollowUpDeps) {
  const { store, reviews, events } = deps;

  async function follow(record: TrackedPullRecord, github: GitHubPort): Promise<void> {
    const changed = await followChecks(record.runKey, record.group, {
      store,
      github,
      dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
    });
    if (!changed) return;
    await settleRun(record.runKey, store);
    await events.requestPublish(record.runKey, record.installationId);
  }

  /** The followed pull requests an event names, by number or by their branch. */
  async function recordsOf(event: Extract<EventJob, { type: "checks" }>) {
    const found = new Map<number, TrackedPullRecord>();
    for (const number of event.pullNumbers) {
      const record = await reviews.get(event.owner, event.repo, number);
      if (record) found.set(number, record);
    }
    if (event.branches.length === 0) return [...found.values()];
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    for (const record of (await reviews.polled()).get(event.installationId) ?? []) {
      if (found.has(record.number) || !same(record.owner, event.owner)) continue;
      if (!same(record.repo, event.repo)) continue;
      const run = (await store.get(record.runKey))?.run;
      const group = run?.groups.find((g) => g.name === record.group);
      if (group && event.branches.includes(group.branch)) found.set(record.number, record);
    }
    return [...found.values()];
  }

  return {
    async onEvent(event: Extract<EventJob, { type: "checks" }>, github: GitHubPort) {
      if (event.app !== null && event.app === github.appLogin.replace(/\[bot\]$/, "")) return;
      for (const record of await recordsOf(event)) await follow(record, github);
    },

    /**
     * One poll cycle's look at CI: only groups whose head's checks are still running, or whose
     * red CI waits for a person (their push makes it green).
     */
    async poll(records: readonly TrackedPullRecord[], github: GitHubPort) {
      for (const record of records) {
        const run = (await store.get(record.runKey))?.run;
        const state = run?.groups.find((g) => g.name === record.group)?.ci?.state;
        const waiting = state === "red" && run?.state === "needs-input";
        if (state === "pending" || waiting) await follow(record, github);
      }
    },
  };
}
