import type { GitHubPort } from "../github/githubPort.js";
import { answerThreads } from "./answerThreads.js";
import { askQuestions } from "./askQuestions.js";
import { followChecks } from "./ci/followChecks.js";
import { enforceBudget } from "./enforceBudget.js";
import { ensureGroupPull } from "./ensureGroupPull.js";
import { catchUpSoon } from "./restackChildren.js";
import type { ReviewStore, TrackedPullRecord } from "./reviewStore.js";
import type { ReviewThreadsPort } from "./reviewThreadsPort.js";
import type { Dispatcher } from "./runLifecycle.js";
import type { RunStore } from "./runStore.js";
import { settleRun } from "./settleRun.js";
import { stackPlaces } from "./stackParent.js";

export interface SettleDeps {
  store: RunStore;
  reviews: ReviewStore;
  github: GitHubPort;
  threads: ReviewThreadsPort;
  dispatcher: Pick<Dispatcher, "dispatchReady" | "cancelRun">;
  /** reconciles these PRs at once (after answers, a thread may be done or changed) */
  followReviews(records: TrackedPullRecord[]): Promise<void>;
  requestPublish(runKey: string): Promise<void>;
}

/**
 * What follows any change of a task of `group`, in order. Each step reads the run afresh, and
 * each is safe to run twice (the job is retried as a whole).
 */
export async function settleAfterChange(
  runKey: string,
  group: string,
  deps: SettleDeps,
): Promise<void> {
  // 1. A spent budget stops the run while work still waits for an attempt.
  if (await enforceBudget(runKey, deps.store)) await deps.dispatcher.cancelRun(runKey);
  // 2. Tasks whose dependencies are complete are queued.
  await deps.dispatcher.dispatchReady(runKey);
  // 3. The group's PR, once its work is there. One run's PRs are opened one at a time: two
  // settles of a group would both create its PR (one 422 "already exists"), and two groups
  // would both learn drafts are refused. A short lease: a process killed holding it must not
  // hold the run up for long (a slower holder that loses it meets the same race the
  // lookup-then-create already survives).
  await deps.store.exclusive(runKey, "group-pull", () => ensureGroupPull(runKey, group, deps), {
    leaseMs: 10_000,
  });
  // 4. The PR remembers the app's last push to it (its polling stops 15 minutes after).
  await notePush(runKey, group, deps);
  // 4a. PRs stacked on this group's are caught up with what its tasks pushed to it.
  await catchUpStacked(runKey, group, deps);
  // 4b. CI on the group PR's head: waited for, re-run, or turned into a `ci-fix` task.
  await followChecks(runKey, group, {
    store: deps.store,
    github: deps.github,
    dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
  });
  // 5. Answers in the review threads finished tasks dealt with; those PRs are looked at again.
  if ((await answerThreads(runKey, deps)) > 0) {
    const snapshot = await deps.store.get(runKey);
    const records: TrackedPullRecord[] = [];
    for (const g of snapshot?.run.groups ?? []) {
      if (g.pull === null || !snapshot) continue;
      const record = await deps.reviews.get(snapshot.run.owner, snapshot.run.repo, g.pull);
      if (record) records.push(record);
    }
    await deps.followReviews(records);
  }
  // 6. Questions the agents asked instead of a change are asked on the issue.
  await askQuestions(runKey, deps);
  // 7. The run's state: reviewing, done or failed once its work is through.
  await settleRun(runKey, deps.store);
  // 8. The status comment and check runs show it.
  await deps.requestPublish(runKey);
}

async function notePush(
  runKey: string,
  group: string,
  deps: Pick<SettleDeps, "store" | "reviews">,
): Promise<void> {
  const snapshot = await deps.store.get(runKey);
  const pull = snapshot?.run.groups.find((g) => g.name === group)?.pull ?? null;
  if (!snapshot || pull === null) return;
  const last = snapshot.tasks
    .filter((t) => t.group === group && t.commit && t.finishedAt)
    .map((t) => t.finishedAt ?? "")
    .sort()
    .pop();
  if (!last) return;
  await deps.reviews.update(snapshot.run.owner, snapshot.run.repo, pull, (r) =>
    r.lastPushAt !== null && r.lastPushAt >= last ? null : { ...r, lastPushAt: last },
  );
}

/** Each open PR stacked on `group`'s branch, caught up with it (see catchUpGroup). */
async function catchUpStacked(runKey: string, group: string, deps: SettleDeps): Promise<void> {
  const snapshot = await deps.store.get(runKey);
  if (!snapshot?.run.config.stack) return;
  const parent = snapshot.run.groups.find((g) => g.name === group);
  if (!parent || parent.state !== undefined) return;
  const places = stackPlaces(snapshot);
  for (const child of snapshot.run.groups) {
    if (places.get(child.name)?.parent !== group || child.pull === null) continue;
    if (child.state !== undefined || (child.base ?? parent.branch) !== parent.branch) continue;
    if (snapshot.tasks.some((t) => t.group === group && t.status !== "complete")) continue;
    await catchUpSoon(runKey, child.name, {
      store: deps.store,
      github: deps.github,
      dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
    });
  }
}
