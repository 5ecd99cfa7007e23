import type { Probot } from "probot";
import type { GitHubPort } from "../github/githubPort.js";
import { githubStatus, isAccessRefusal, refusedRepoOf } from "../github/githubStatus.js";
import { GitHubWaitError, waitNoteOf } from "../github/githubWaitError.js";
import type { ReviewThreadsClient } from "../github/reviewThreads.js";
import type { EventJob } from "../queue/eventJob.js";
import type { EventQueue } from "../queue/eventQueue.js";
import type { Backoff } from "../queue/redisBackoff.js";
import { baseMoved } from "../runs/baseMoved.js";
import type { BaseTipStore } from "../runs/baseTipStore.js";
import { handleCommand } from "../runs/handleCommand.js";
import { noteBranchEdit } from "../runs/noteBranchEdit.js";
import { noteRetarget } from "../runs/noteRetarget.js";
import { pollBaseMoves } from "../runs/pollBaseMoves.js";
import { renderStatus } from "../runs/renderStatus.js";
import { restackChildren } from "../runs/restackChildren.js";
import { reviewPass } from "../runs/reviewPass.js";
import type { ReviewStore, TrackedPullRecord } from "../runs/reviewStore.js";
import { runKey as runKeyOf } from "../runs/run.js";
import { type Dispatcher, runLifecycle, type SpecPlanner } from "../runs/runLifecycle.js";
import { isActive, isLive } from "../runs/runMachine.js";
import type { RunStore } from "../runs/runStore.js";
import { settleAfterChange } from "../runs/settleAfterChange.js";
import { settleRun } from "../runs/settleRun.js";
import { statusComments } from "../runs/statusComments.js";
import { syncCheckRuns } from "../runs/syncCheckRuns.js";
import { ciFollowUp } from "./ciFollowUp.js";

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
  /** installations and repositories GitHub refused, left out of polling for a while */
  backoff?: Backoff;
  /** default-branch tips seen by the poll: a moved one catches the group PRs up */
  baseTips?: BaseTipStore;
  /** told what each review pass did (the operator's metrics); `poll` for the poll cycle */
  onReviewPass?(
    trigger: "poll" | "event",
    figures: { pulls: number; tasks: number; graphqlPoints: number },
  ): void;
}

/** Routes each job of the events queue to its use case. */
export function eventProcessor(deps: EventProcessorDeps) {
  const { store, reviews, events } = deps;
  const ci = ciFollowUp(deps);

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
          // A merged or closed stack parent: its children move onto the default branch.
          await restackChildren(runKey, {
            store,
            github,
            dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
          });
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
    // While GitHub's limits hold the run back, its comment says so with the writes kept for
    // that; its check runs wait for the limit (their writes fail with a GitHubWaitError, and
    // the job is run again when the limit allows).
    const waiting = snapshot.run.githubWait !== undefined;
    const info = await github.repoInfo({ owner, repo });
    // A deleted or moved issue took its status comment along; the PRs' check runs stay here.
    if (!snapshot.run.unreachable) {
      const status = statusComments(github, (s) => renderStatus(s, { repoUrl: info.htmlUrl }));
      const { id, digest } = await status.publish(snapshot, { notice: waiting });
      if (id !== snapshot.run.statusCommentId || digest !== snapshot.run.statusDigest) {
        await store.updateRun(runKey, (run) => ({
          ...run,
          statusCommentId: id,
          statusDigest: digest,
        }));
      }
    }
    await syncCheckRuns((await store.get(runKey)) ?? snapshot, {
      store,
      github,
      issueUrl: `${info.htmlUrl}/issues/${issueNumber}`,
    });
    // Every write of the publish went through after the wait's end: the note can go (by the
    // next publish, one edit).
    const cleared = await store.updateRun(runKey, (run) =>
      run.githubWait && Date.parse(run.githubWait.until) <= Date.now()
        ? { ...run, githubWait: undefined }
        : null,
    );
    if (cleared) await events.requestPublish(runKey, installationId);
    if ((await events.publishVersion(runKey)) !== version) {
      await events.requeuePublish(runKey, installationId, version);
    }
  }

  async function linkedStatus(github: GitHubPort, owner: string, repo: string) {
    const info = await github.repoInfo({ owner, repo });
    return statusComments(github, (s) => renderStatus(s, { repoUrl: info.htmlUrl }));
  }

  /** One job of the events queue, logged with what identifies it; failures are retried. */
  async function process(event: EventJob): Promise<void> {
    const log = deps.log?.child(jobFields(event));
    log?.debug("event job started");
    try {
      await route(event);
      log?.debug("event job done");
    } catch (error) {
      if (error instanceof GitHubWaitError) {
        log?.info(
          { retryAt: new Date(error.retryAt).toISOString(), limit: error.limit },
          "GitHub's limits hold this job back; the queue runs it again then",
        );
        await noteWait(event, error).catch((noteError: unknown) => {
          log?.debug({ err: noteError }, "could not say so in the status comment");
        });
        throw error;
      }
      if ((event.type === "publish" || event.type === "settle") && lostAccess(error)) {
        // Retrying would only meet the same refusal: stop the run, quietly, and say so here.
        log?.warn({ err: error }, "GitHub refuses the App this repository; the run is stopped");
        await stopUnreachable(event.runKey, event.installationId);
        return;
      }
      log?.warn({ err: error }, "event job failed; the queue retries it");
      throw error;
    }
  }

  /**
   * Says in the run's status comment that it waits for GitHub, with the writes GitHub's limits
   * hold back for such notices (the request gate keeps a few of each hour's for them).
   */
  async function noteWait(event: EventJob, error: GitHubWaitError): Promise<void> {
    const key = await eventRunKey(event);
    if (!key) return;
    const updated = await store.updateRun(key, (run) => {
      const note = waitNoteOf(error, run.githubWait);
      return note ? { ...run, githubWait: note } : null;
    });
    if (!updated) return;
    const github = await deps.github(event.installationId);
    await store.exclusive(key, "publish", () => publish(github, key, event.installationId));
  }

  /**
   * A job the queue gave up on: what it was for is failed where people look, never left
   * waiting. A run still planning fails with why (the planner kept failing); a settle that
   * could not open a group's PR or answer its threads fails the run; both say how to go on
   * (run again: finished work is kept). Other jobs are only logged: a publish that cannot
   * write has no place to say so, and a review or poll is asked again by the next cycle.
   */
  async function failedForGood(event: EventJob, error: Error): Promise<void> {
    deps.log?.child(jobFields(event)).error({ err: error }, "event job failed for good");
    const key = await eventRunKey(event);
    if (!key) return;
    const why = error.message.split("\n")[0]?.slice(0, 300) ?? "unknown error";
    const again =
      "tick **Run again** below or comment `/orchestrate` to go on (finished work is kept)";
    const failed = await store.updateRun(key, (run) => {
      if (run.state === "planning") {
        return {
          ...run,
          state: "failed",
          reason: `planning failed, several times: ${why}; ${again}`,
        };
      }
      if (event.type === "settle" && isLive(run.state)) {
        return {
          ...run,
          state: "failed",
          reason: `the steps after a change of group ${event.group} (its pull request, its review threads) failed, several times: ${why}; ${again}`,
        };
      }
      return null;
    });
    if (!failed) return;
    await deps.dispatcher.cancelRun(key);
    await events.requestPublish(key, event.installationId);
  }

  async function eventRunKey(event: EventJob): Promise<string | null> {
    switch (event.type) {
      case "settle":
      case "publish":
        return event.runKey;
      case "command":
      case "issue":
        return runKeyOf(event.owner, event.repo, event.issueNumber);
      case "review":
      case "pushed":
      case "retargeted":
        return (await reviews.get(event.owner, event.repo, event.pullNumber))?.runKey ?? null;
      case "installation":
      case "base-moved":
      case "checks":
        return null;
    }
  }

  /**
   * Uninstalled, or repositories taken out: their runs stop (nothing can be written there) and
   * their PRs are no longer polled. Suspended: the installation is left out of polling until it
   * is unsuspended (its runs wait; a maintainer can `/orchestrate retry` what failed meanwhile).
   */
  async function installationChanged(
    event: Extract<EventJob, { type: "installation" }>,
  ): Promise<void> {
    const scope = `installation:${event.installationId}`;
    if (event.action === "suspend") {
      await deps.backoff?.refused(scope);
      return;
    }
    if (event.action === "unsuspend") {
      await deps.backoff?.cleared(scope);
      return;
    }
    const wanted = new Set(event.repos.map((r) => r.toLowerCase()));
    const lost = (owner: string, repo: string) =>
      event.action !== "removed" || wanted.has(`${owner}/${repo}`.toLowerCase());
    const records = (await reviews.polled()).get(event.installationId) ?? [];
    const runs = new Set<string>();
    for (const record of records) {
      if (!lost(record.owner, record.repo)) continue;
      await reviews.park(record.owner, record.repo, record.number);
      runs.add(record.runKey);
    }
    // Also the active runs with no PR polled: not opened yet, or parked by a poll that met the
    // lost access before this webhook came.
    for (const key of await store.keys()) {
      if (runs.has(key)) continue;
      // A record that does not read is reported where it is used; here it is not one to stop.
      const run = (await store.get(key).catch(() => null))?.run;
      if (!run || run.installationId !== event.installationId || !lost(run.owner, run.repo))
        continue;
      if (isActive(run.state)) runs.add(key);
    }
    for (const key of runs) await stopUnreachable(key, event.installationId);
  }

  /** 403 or 404 for the repository itself: removed from the installation, or suspended. */
  function lostAccess(error: unknown): boolean {
    const status = githubStatus(error);
    return (status === 403 || status === 404) && isAccessRefusal(error);
  }

  async function stopUnreachable(key: string, installationId: number): Promise<void> {
    const snapshot = await store.get(key);
    if (!snapshot) return;
    const { owner, repo, issueNumber } = snapshot.run;
    const github = await deps.github(installationId).catch(() => null);
    if (!github) return;
    const lifecycle = runLifecycle({
      github,
      store,
      status: statusComments(github, (s) => renderStatus(s)),
      planner: deps.planner,
      dispatcher: deps.dispatcher,
      reviews,
    });
    await lifecycle.accessLost(
      { owner, repo, issueNumber, installationId },
      `GitHub no longer lets the App reach ${owner}/${repo} (the repository was removed from the App's installation, or the App was suspended or uninstalled). Give it access again and comment \`/orchestrate\` to start again.`,
    );
    for (const group of snapshot.run.groups) {
      if (group.pull !== null) await reviews.park(owner, repo, group.pull);
    }
  }

  async function route(event: EventJob): Promise<void> {
    const github = await deps.github(event.installationId);
    switch (event.type) {
      case "command": {
        if (event.via === "checkbox") {
          // A person's tick changed the comment: it is written again even if the run shows the
          // same, so the box does not stay ticked.
          const key = runKeyOf(event.owner, event.repo, event.issueNumber);
          await store.updateRun(key, (run) => ({ ...run, statusDigest: undefined }));
        }
        // Rendered as the publish jobs render it (branch links included), or every command
        // would edit the comment back and forth between the two.
        const status = await linkedStatus(github, event.owner, event.repo);
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
          status: await linkedStatus(github, event.owner, event.repo),
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
      case "installation": {
        await installationChanged(event);
        return;
      }
      case "pushed": {
        const record = await reviews.get(event.owner, event.repo, event.pullNumber);
        if (!record) return;
        const github = await deps.github(event.installationId);
        if (await noteBranchEdit(record, [event.sender], { store, appLogin: github.appLogin })) {
          await events.requestPublish(record.runKey, event.installationId);
        }
        return;
      }
      case "retargeted": {
        const record = await reviews.get(event.owner, event.repo, event.pullNumber);
        if (record && (await noteRetarget(record, event.base, { store, github }))) {
          await events.requestPublish(record.runKey, event.installationId);
        }
        return;
      }
      case "base-moved": {
        await baseMoved(
          { owner: event.owner, repo: event.repo },
          event.branch,
          {
            store,
            github,
            dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
            requestPublish: (key) => events.requestPublish(key, event.installationId),
          },
          event.forced ? { forcedBy: event.sender } : {},
        );
        return;
      }
      case "checks": {
        await ci.onEvent(event, github);
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
        const threads = await deps.reviewThreads(event.installationId);
        await settleAfterChange(event.runKey, event.group, {
          store,
          reviews,
          github,
          threads,
          dispatcher: deps.dispatcher,
          followReviews: (records) => followReviews(event.installationId, records, true),
          requestPublish: (key) => events.requestPublish(key, event.installationId),
        });
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

  /**
   * One poll cycle: every polled PR of every installation, each installation on its own — one
   * that fails does not keep the others from their turn. An installation or repository GitHub
   * refuses (removed, suspended, uninstalled) is left out with a growing backoff rather than
   * asked again every cycle.
   */
  async function pollCycle(): Promise<void> {
    for (const [installationId, records] of await reviews.polled()) {
      try {
        await pollInstallation(installationId, records);
      } catch (error) {
        deps.log?.warn({ err: error, installationId }, "review poll of an installation failed");
      }
      await pollBases(installationId, records).catch((error: unknown) => {
        deps.log?.info({ err: error, installationId }, "base branches not caught up this cycle");
      });
    }
  }

  async function pollBases(installationId: number, records: TrackedPullRecord[]): Promise<void> {
    const tips = deps.baseTips;
    if (!tips || (await deps.backoff?.blockedUntil(`installation:${installationId}`))) return;
    const repos = new Map(records.map((r) => [`${r.owner}/${r.repo}`.toLowerCase(), r]));
    await pollBaseMoves([...repos.values()], {
      store,
      tips,
      github: await deps.github(installationId),
      dispatchReady: (key) => deps.dispatcher.dispatchReady(key),
      requestPublish: (key) => events.requestPublish(key, installationId),
    });
  }

  async function pollInstallation(
    installationId: number,
    records: TrackedPullRecord[],
  ): Promise<void> {
    const backoff = deps.backoff;
    const scope = `installation:${installationId}`;
    if (backoff && (await backoff.blockedUntil(scope)) !== null) return;
    const byRepo = new Map<string, TrackedPullRecord[]>();
    for (const record of records) {
      const repo = `${record.owner}/${record.repo}`.toLowerCase();
      if (backoff && !byRepo.has(repo) && (await backoff.blockedUntil(`repo:${repo}`)) !== null) {
        continue;
      }
      byRepo.set(repo, [...(byRepo.get(repo) ?? []), record]);
    }
    const open = [...byRepo.values()].flat();
    let failure: unknown;
    try {
      await followReviews(installationId, open, false);
      await ci.poll(open, await deps.github(installationId));
      await backoff?.cleared(scope);
      return;
    } catch (error) {
      if (error instanceof GitHubWaitError && backoff) {
        // The installation's hour is spent: no poll asks GitHub again before it says to.
        await backoff.waitUntil(scope, error.retryAt);
        deps.log?.info(
          { installationId, retryAt: new Date(error.retryAt).toISOString() },
          "GitHub's limits hold this installation's review polling back until then",
        );
        return;
      }
      if (!backoff || !isAccessRefusal(error)) throw error;
      failure = error;
      if (byRepo.size <= 1) {
        await refuse(scope, installationId, error);
        for (const repo of byRepo.keys()) await refuse(`repo:${repo}`, installationId, error);
        return;
      }
    }
    // Several repositories in one pass: find which of them GitHub refuses, follow the others.
    // The one a REST refusal named is not asked again (a 4xx is never repeated in a loop).
    const named = refusedRepoOf(failure);
    let refusedAll = true;
    for (const [repo, some] of byRepo) {
      if (repo === named) {
        await refuse(`repo:${repo}`, installationId, failure);
        continue;
      }
      try {
        await followReviews(installationId, some, false);
        refusedAll = false;
      } catch (error) {
        if (!isAccessRefusal(error)) throw error;
        await refuse(`repo:${repo}`, installationId, error);
      }
    }
    if (refusedAll) await refuse(scope, installationId, new Error("every repository refused"));
  }

  async function refuse(scope: string, installationId: number, error: unknown): Promise<void> {
    const wait = (await deps.backoff?.refused(scope)) ?? 0;
    deps.log?.warn(
      { err: error, installationId, scope, retryInMinutes: Math.round(wait / 60_000) },
      "GitHub refused the App (repository removed from the installation, installation suspended or uninstalled): its review threads are not polled until then; a webhook or /orchestrate wakes it sooner",
    );
  }

  return { process, pollCycle, failedForGood };
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
    case "installation":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        installationId: event.installationId,
        action: event.action,
      };
    case "base-moved":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        branch: `${event.owner}/${event.repo}:${event.branch}`,
      };
    case "review":
    case "pushed":
    case "retargeted":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        pull: `${event.owner}/${event.repo}#${event.pullNumber}`,
      };
    case "checks":
      return {
        job: event.type,
        deliveryId: event.deliveryId,
        repo: `${event.owner}/${event.repo}`,
      };
    case "settle":
      return { job: event.type, runKey: event.runKey, group: event.group };
    case "publish":
      return { job: event.type, runKey: event.runKey };
  }
}
