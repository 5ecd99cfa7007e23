import type { GitHubPort } from "../github/githubPort.js";
import type { EventJob } from "../queue/eventJob.js";
import type { EventQueue } from "../queue/eventQueue.js";
import { ensureGroupPull } from "../runs/ensureGroupPull.js";
import { handleCommand } from "../runs/handleCommand.js";
import { renderStatus } from "../runs/renderStatus.js";
import { type Dispatcher, runLifecycle, type SpecPlanner } from "../runs/runLifecycle.js";
import type { RunStore } from "../runs/runStore.js";
import { settleRun } from "../runs/settleRun.js";
import { statusComments } from "../runs/statusComments.js";
import { syncCheckRuns } from "../runs/syncCheckRuns.js";

export interface EventProcessorDeps {
  store: RunStore;
  events: EventQueue;
  planner: SpecPlanner;
  dispatcher: Dispatcher;
  github(installationId: number): Promise<GitHubPort>;
}

/** Routes each job of the events queue to its use case. */
export function eventProcessor(deps: EventProcessorDeps) {
  const { store, events } = deps;
  return async (event: EventJob): Promise<void> => {
    if (event.type === "review") return;
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
        });
        await handleCommand(event, { github, lifecycle });
        return;
      }
      case "settle": {
        // What follows a task's change, in order: dependants, the group's PR, the run's state.
        await deps.dispatcher.dispatchReady(event.runKey);
        await ensureGroupPull(event.runKey, event.group, { store, github });
        await settleRun(event.runKey, store);
        await events.requestPublish(event.runKey, event.installationId);
        return;
      }
      case "publish": {
        const version = await events.publishVersion(event.runKey);
        const snapshot = await store.get(event.runKey);
        if (!snapshot) return;
        const { owner, repo, issueNumber } = snapshot.run;
        const info = await github.repoInfo({ owner, repo });
        const status = statusComments(github, (s) => renderStatus(s, { repoUrl: info.htmlUrl }));
        const id = await status.publish(snapshot);
        if (id !== snapshot.run.statusCommentId) {
          await store.updateRun(event.runKey, (run) => ({ ...run, statusCommentId: id }));
        }
        await syncCheckRuns(snapshot, {
          store,
          github,
          issueUrl: `${info.htmlUrl}/issues/${issueNumber}`,
        });
        if ((await events.publishVersion(event.runKey)) !== version) {
          await events.requeuePublish(event.runKey, event.installationId, version);
        }
        if (snapshot.tasks.some((t) => t.status === "in_progress")) {
          await events.scheduleTick(event.runKey, event.installationId);
        }
        return;
      }
    }
  };
}
