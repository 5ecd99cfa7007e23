import type { Probot } from "probot";
import type { GitHubPort } from "../github/githubPort.js";
import type { ReviewThreadsClient } from "../github/reviewThreads.js";
import type { EventJob } from "../queue/eventJob.js";
import type { EventQueue } from "../queue/eventQueue.js";
import { answerThreads } from "../runs/answerThreads.js";
import { enforceBudget } from "../runs/enforceBudget.js";
import { ensureGroupPull } from "../runs/ensureGroupPull.js";
import { handleCommand } from "../runs/handleCommand.js";
import { renderStatus } from "../runs/renderStatus.js";
import { reviewPass } from "../runs/reviewPass.js";
import type { ReviewStore, TrackedPullRecord } from "../runs/reviewStore.js";
import { runKey as runKeyOf } from "../runs/run.js";
import { type Dispatcher, runLifecycle, type SpecPlanner } from "../runs/runLifecycle.js";
import type { RunStore } from "../runs/runStore.js";
import { settleRun } from "../runs/settleRun.js";
import { statusComments } from "../runs/statusComments.js";
import { syncCheckRuns } from "../runs/syncCheckRuns.js";

export interface EventProcessorDeps {
  store: RunStore;
  reviews: ReviewStore;
  events: EventQueue;
  planner: SpecPlanner;
  dispatcher: Dispatcher;
  github(installationId: number): Promise<GitHubPort>;
  reviewThreads(installationId: number): Promise<ReviewThreadsClient>;
  /** each job logs through a child of this, with its delivery id and run key */
  log?: Probot["log"];
  /** told what each review pass did (the operator's metrics); `poll` for the poll cycle */
  onReviewPass?(
    trigger: "poll" | "event",
    figures: { pulls: number; tasks: number; graphqlPoints: number },
  ): void;
}

/** Routes each job of the events queue to its use case. */
export function eventProcessor(deps: EventProcessorDeps) {
  const { store, reviews, events } = deps;

  /** The review follow-up for some PRs of one installation (poll cycle or webhook). */
  async function followReviews(
    installationId: number,
    records: TrackedPullRecord[],
    relist: boolean,
  ): Promise<void> {
    if (records.length === 0) return;
    const [github, threads] = await Promise.all([
      deps.github(installationId),
      deps.reviewThreads(installationId),
    ]);
    const figures = await reviewPass(
      records,
      {
        store,
        reviews,
        github,
        threads,
        installationId,
        poll: (pulls, repos) => threads.poll(pulls, repos),
        dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
        changed: async (runKey) => {
          await settleRun(runKey, store);
          await events.requestPublish(runKey, installationId);
        },
      },
      { relist },
    );
    deps.onReviewPass?.(relist ? "event" : "poll", figures);
  }

  async function publish(
    github: GitHubPort,
    runKey: string,
    installationId: number,
  ): Promise<void> {
    const version = await events.publishVersion(runKey);
    const snapshot = await store.get(runKey);
    if (!snapshot) return;
    const { owner, repo, issueNumber } = snapshot.run;
    const info = await github.repoInfo({ owner, repo });
    // A deleted or moved issue took its status comment along; the PRs' check runs stay here.
    if (!snapshot.run.issueGone) {
      const status = statusComments(github, (s) => renderStatus(s, { repoUrl: info.htmlUrl }));
      const id = await status.publish(snapshot);
      if (id !== snapshot.run.statusCommentId) {
        await store.updateRun(runKey, (run) => ({ ...run, statusCommentId: id }));
      }
    }
    await syncCheckRuns((await store.get(runKey)) ?? snapshot, {
      store,
      github,
      issueUrl: `${info.htmlUrl}/issues/${issueNumber}`,
    });
    if ((await events.publishVersion(runKey)) !== version) {
      await events.requeuePublish(runKey, installationId, version);
    }
    if (snapshot.tasks.some((t) => t.status === "in_progress")) {
      await events.scheduleTick(runKey, installationId);
    }
  }

  /** One job of the events queue, logged with what identifies it; failures are retried. */
  async function process(event: EventJob): Promise<void> {
    const log = deps.log?.child(jobFields(event));
    log?.debug("event job started");
    try {
      await route(event);
      log?.debug("event job done");
    } catch (error) {
      log?.warn({ err: error }, "event job failed; the queue retries it");
      throw error;
    }
  }

  async function route(event: EventJob): Promise<void> {
    const github = await deps.github(event.installationId);
    switch (event.type) {
      case "command": {
        const status = statusComments(github, (snapshot) => renderStatus(snapshot));
        const lifecycle = runLifecycle({
          github,
          store,
          status,
          planner: deps.planner,
          dispatcher: deps.dispatcher,
          reviews,
        });
        await handleCommand(event, { github, lifecycle });
        return;
      }
      case "issue": {
        const key = runKeyOf(event.owner, event.repo, event.issueNumber);
        if (!(await store.stateOf(key))) return;
        const lifecycle = runLifecycle({
          github,
          store,
          status: statusComments(github, (snapshot) => renderStatus(snapshot)),
          planner: deps.planner,
          dispatcher: deps.dispatcher,
          reviews,
        });
        const target = {
          owner: event.owner,
          repo: event.repo,
          issueNumber: event.issueNumber,
          installationId: event.installationId,
        };
        await lifecycle.issueEnded(target, event);
        // The check runs on the group PRs follow (they say the run was stopped).
        await events.requestPublish(key, event.installationId);
        return;
      }
      case "review": {
        // The webhook fast path: a review on a followed PR is reconciled at once.
        const record = await reviews.get(event.owner, event.repo, event.pullNumber);
        if (!record) return;
        const woken = await reviews.track(record);
        await followReviews(event.installationId, [woken], true);
        return;
      }
      case "settle": {
        // What follows a task's change, in order: dependants, the group's PR, answers in the
        // review threads a finished task dealt with, the run's state.
        if (await enforceBudget(event.runKey, store)) await deps.dispatcher.cancelRun(event.runKey);
        await deps.dispatcher.dispatchReady(event.runKey);
        // One run's PRs are opened one at a time: two settles of a group would both create its
        // PR (one 422 "already exists"), and two groups would both learn drafts are refused.
        await store.exclusive(event.runKey, "group-pull", () =>
          ensureGroupPull(event.runKey, event.group, { store, github, reviews }),
        );
        const threads = await deps.reviewThreads(event.installationId);
        if ((await answerThreads(event.runKey, { store, reviews, threads, github })) > 0) {
          const snapshot = await store.get(event.runKey);
          const records: TrackedPullRecord[] = [];
          for (const group of snapshot?.run.groups ?? []) {
            if (group.pull === null || !snapshot) continue;
            const record = await reviews.get(snapshot.run.owner, snapshot.run.repo, group.pull);
            if (record) records.push(record);
          }
          await followReviews(event.installationId, records, true);
        }
        await settleRun(event.runKey, store);
        await events.requestPublish(event.runKey, event.installationId);
        return;
      }
      case "publish": {
        // One publish of a run at a time: two at once would both create its check runs.
        await store.exclusive(event.runKey, "publish", () =>
          publish(github, event.runKey, event.installationId),
        );
        return;
      }
    }
  }

  /** One poll cycle: every polled PR of every installation. */
  async function pollCycle(): Promise<void> {
    for (const [installationId, records] of await reviews.polled()) {
      await followReviews(installationId, records, false);
    }
  }

  return { process, pollCycle };
}

/** What a job's log lines carry: ids to find the run and the delivery by, never a payload. */
function jobFields(event: EventJob): Record<string, string | number> {
  switch (event.type) {
    case "command":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        runKey: runKeyOf(event.owner, event.repo, event.issueNumber),
        command: event.command,
      };
    case "issue":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        runKey: runKeyOf(event.owner, event.repo, event.issueNumber),
        action: event.action,
      };
    case "review":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        pull: `${event.owner}/${event.repo}#${event.pullNumber}`,
      };
    case "settle":
      return { job: event.type, runKey: event.runKey, group: event.group };
    case "publish":
      return { job: event.type, runKey: event.runKey };
  }
}
