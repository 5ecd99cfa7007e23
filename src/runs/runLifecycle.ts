import type { RepoConfig } from "../config/repoConfig.js";
import type { GitHubPort } from "../github/githubPort.js";
import { answerOnce } from "./answerOnce.js";
import { answerTasks } from "./answerTasks.js";
import { forkRefusal } from "./forkRefusal.js";
import { mergePlan } from "./mergePlan.js";
import { rebuildRun } from "./rebuildRun.js";
import { reopenGroup } from "./reopenGroup.js";
import type { ReviewStore } from "./reviewStore.js";
import { type RunRecord, type RunSnapshot, runKey, type TaskRecord } from "./run.js";
import { isActive, isEnded, isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";
import { settleRun } from "./settleRun.js";
import type { StatusComments } from "./statusComments.js";

export interface RunTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  installationId: number;
}

/** What planning an issue's spec can come to; produced by src/spec via the SpecPlanner port. */
export type PlanOutcome =
  | { kind: "plan"; tasks: TaskRecord[]; groups: Array<{ name: string; branch: string }> }
  | { kind: "questions"; questions: string[] }
  | { kind: "invalid"; errors: string[] };

export interface SpecPlanner {
  plan(input: {
    issueNumber: number;
    title: string;
    body: string;
    config: RepoConfig;
    /** reads a file the spec names, from the default branch; null when missing */
    readFile(path: string): Promise<string | null>;
    /** earlier questions and the answers given since, for a re-plan */
    conversation: string[];
  }): Promise<PlanOutcome>;
}

/** Starts, cancels and retries the queued work of a run (src/queue implements it). */
export interface Dispatcher {
  dispatchReady(key: string): Promise<void>;
  cancelRun(key: string): Promise<void>;
  /** Stops the queued or running attempts of some tasks of a run (a re-plan changed them). */
  cancelTasks(key: string, taskIds: string[]): Promise<void>;
  /** Runs the steps that follow a task's change for each group (its PR, the run's state). */
  settleGroups(key: string, installationId: number, groups: string[]): Promise<void>;
}

export interface RunLifecycle {
  start(
    target: RunTarget,
    sender: string,
    config: RepoConfig,
    isPullRequest: boolean,
    origin: string,
  ): Promise<void>;
  answer(target: RunTarget, sender: string, config: RepoConfig, comment: string): Promise<void>;
  approve(target: RunTarget, sender: string): Promise<void>;
  /** `origin`: the delivery that asked, so an answer to it is posted once */
  stop(target: RunTarget, sender: string, origin: string): Promise<void>;
  /** `origin`: the delivery that asked, so an answer to it is posted once */
  retry(target: RunTarget, sender: string, taskId: string | null, origin: string): Promise<void>;
  refresh(target: RunTarget): Promise<void>;
  /** `/orchestrate reopen <group>`: its PR closed without merge is opened and followed again */
  reopen(target: RunTarget, sender: string, group: string | null, origin: string): Promise<void>;
  /**
   * Plans the spec again over a run that is not over (its body was edited, or
   * `/orchestrate replan`): changed tasks are redone, new ones added, removed ones cancelled,
   * unchanged work kept. `edited`: the edit itself asked, so nothing is answered when there
   * is no run to re-plan.
   */
  replan(target: RunTarget, sender: string, edited: boolean, origin: string): Promise<void>;
  /**
   * The issue was closed, deleted or moved away: an active run stops, and the status comment
   * says why when it is still there to edit (a deleted or moved issue took it along).
   */
  /**
   * GitHub no longer lets the App reach the run's repository (removed from the installation,
   * suspended, uninstalled): the run stops without writing anything there.
   */
  accessLost(target: RunTarget, why: string): Promise<void>;
  issueEnded(
    target: RunTarget,
    o: { action: "closed" | "deleted" | "transferred"; sender: string; movedTo: string | null },
  ): Promise<void>;
  /**
   * Makes sure the run's state is in the store: when Redis lost it, rebuilds it from the status
   * comment, the spec and the PRs, and queues again what was in flight. True when rebuilt.
   */
  recover(target: RunTarget, config: RepoConfig): Promise<boolean>;
}

export interface LifecycleDeps {
  github: GitHubPort;
  store: RunStore;
  status: StatusComments;
  planner: SpecPlanner;
  dispatcher: Dispatcher;
  /** where followed pull requests are tracked (an adopted PR is followed from the start) */
  reviews?: ReviewStore;
  now?: () => Date;
}

export function runLifecycle(deps: LifecycleDeps): RunLifecycle {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const coords = (t: RunTarget) => ({ owner: t.owner, repo: t.repo });

  async function publish(key: string): Promise<void> {
    // Under the same lock as the publish jobs, so the status comment is created once.
    await deps.store.exclusive(key, "publish", async () => {
      const snapshot = await deps.store.get(key);
      if (!snapshot || snapshot.run.unreachable) return;
      const { id, digest } = await deps.status.publish(snapshot);
      if (id !== snapshot.run.statusCommentId || digest !== snapshot.run.statusDigest) {
        await deps.store.updateRun(key, (run) => ({
          ...run,
          statusCommentId: id,
          statusDigest: digest,
        }));
      }
    });
  }

  /**
   * Asks the planner for the issue's spec and lays the plan over the run's work (see mergePlan).
   * `replan`: the run is live and goes on while the planner works; otherwise it is planning.
   * The plan is written only if the run is still where it was when the planner was asked: a
   * stop (or a newer trigger) in between wins over it.
   */
  async function plan(target: RunTarget, conversation: string[], replan = false): Promise<void> {
    const key = runKey(target.owner, target.repo, target.issueNumber);
    const snapshot = await deps.store.get(key);
    if (!snapshot) return;
    const generation = snapshot.run.generation ?? 1;
    const asked = snapshot.run.state;
    const issue = await deps.github.issue(coords(target), target.issueNumber);
    const outcome = await deps.planner.plan({
      issueNumber: target.issueNumber,
      title: issue.title,
      body: issue.body,
      config: snapshot.run.config,
      readFile: (path) => deps.github.fileContent(coords(target), path),
      conversation,
    });
    const still = (run: RunRecord) =>
      (run.generation ?? 1) === generation &&
      (replan ? isLive(run.state) : run.state === "planning" && asked === "planning");
    let stop: string[] = [];
    const written = await deps.store.updateSnapshot(key, ({ run, tasks }) => {
      if (!still(run)) return null;
      const at = { ...run, updatedAt: now() };
      if (outcome.kind === "invalid") {
        // An edit that breaks the spec does not throw the run's work away: it goes on as planned.
        return replan
          ? {
              run: {
                ...at,
                errors: outcome.errors,
                reason:
                  "the edited spec is invalid, so the run goes on with the plan it had: fix the spec and it is planned again",
              },
              tasks: [],
              remove: [],
            }
          : {
              run: {
                ...at,
                state: "failed",
                reason: "the spec is invalid",
                errors: outcome.errors,
              },
              tasks: [],
              remove: [],
            };
      }
      if (outcome.kind === "questions") {
        return {
          run: {
            ...at,
            state: replan ? at.state : "needs-input",
            reason: replan
              ? "the planner has questions about the edited spec, so the run goes on with the plan it had: answer them in the spec and it is planned again"
              : "the planner needs answers",
            questions: outcome.questions,
          },
          tasks: [],
          remove: [],
        };
      }
      const merged = mergePlan({ tasks, groups: run.groups, retired: run.retired }, outcome, {
        retryEnded: !replan,
      });
      stop = merged.stop;
      const waiting = !replan && run.config.approval === "required";
      const nextState = replan ? run.state : waiting ? "needs-input" : "running";
      const changed =
        merged.replanned.added.length + merged.replanned.changed.length + merged.removed.length;
      return {
        run: {
          ...at,
          state: nextState,
          reason: waiting
            ? "waiting for `/orchestrate approve`"
            : replan
              ? changed > 0
                ? "re-planned after the spec changed"
                : at.reason
              : null,
          awaitingApproval: waiting,
          errors: [],
          questions: [],
          groups: merged.groups,
          retired: Object.keys(merged.retired).length > 0 ? merged.retired : undefined,
          // What a re-plan changed is shown; a first plan changes nothing worth showing.
          replanned: tasks.length > 0 ? merged.replanned : undefined,
        },
        tasks: merged.tasks.filter((t) => !sameRecord(t, tasks)),
        remove: merged.removed,
      };
    });
    if (written && stop.length > 0) await deps.dispatcher.cancelTasks(key, stop);
    if (written && isLive(written.run.state)) {
      await deps.dispatcher.dispatchReady(key);
      // Groups whose work is all there already (kept from an earlier run) get their PR now;
      // a plan left with no group at all is through at once.
      const groups = written.run.groups.map((g) => g.name);
      if (groups.length > 0) await deps.dispatcher.settleGroups(key, target.installationId, groups);
      else await settleRun(key, deps.store);
    }
    await publish(key);
  }

  /**
   * Stops an active run: its queued work is cancelled and waiting tasks will never run now; a
   * running one is marked by its worker once its agent is stopped (or, if that worker died, by
   * whichever worker picks its job up again). False when the run was not active.
   */
  async function halt(
    key: string,
    reason: string,
    extra: Partial<RunRecord> = {},
  ): Promise<boolean> {
    const updated = await deps.store.updateRun(key, (run) =>
      isActive(run.state)
        ? { ...run, ...extra, state: "stopped", reason, awaitingApproval: false }
        : null,
    );
    if (!updated) return false;
    await deps.dispatcher.cancelRun(key);
    const snapshot = await deps.store.get(key);
    const waiting = (t: TaskRecord) =>
      t.status === "pending" || t.status === "ready" || t.status === "needs-input";
    for (const task of snapshot?.tasks ?? []) {
      if (!waiting(task)) continue;
      await deps.store.updateTask(key, task.id, (t, run) =>
        run.state === "stopped" && waiting(t)
          ? { ...t, status: "cancelled", report: reason }
          : null,
      );
    }
    return true;
  }

  /**
   * A run in `planning`; after an ended one, its next generation, which keeps the last one's
   * work (tasks, groups and their PRs) for the new plan to be laid over.
   */
  function newRun(
    target: RunTarget,
    sender: string,
    config: RepoConfig,
    origin: string,
    previous: RunSnapshot | null,
  ): RunSnapshot {
    const at = now();
    const ended = previous !== null && isEnded(previous.run.state);
    return {
      run: {
        key: runKey(target.owner, target.repo, target.issueNumber),
        owner: target.owner,
        repo: target.repo,
        issueNumber: target.issueNumber,
        installationId: target.installationId,
        generation: (previous?.run.generation ?? 1) + (ended ? 1 : 0),
        state: "planning",
        reason: null,
        statusCommentId: previous?.run.statusCommentId ?? null,
        startedBy: sender,
        origin,
        createdAt: at,
        updatedAt: at,
        questions: [],
        conversation: [],
        errors: [],
        awaitingApproval: false,
        config,
        groups: ended ? previous.run.groups : [],
      },
      tasks: ended ? previous.tasks : [],
    };
  }

  return {
    async start(target, sender, config, isPullRequest, origin) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const previous = await deps.store.get(key);
      const fresh = newRun(target, sender, config, origin, previous);
      if (isPullRequest) {
        // `/orchestrate` on a pull request adopts it: one group, its branch, review follow-up only.
        const pull = await deps.github.pull(coords(target), target.issueNumber);
        if (pull.state !== "open") {
          await answerOnce(
            deps.github,
            coords(target),
            target.issueNumber,
            origin,
            `@${sender}, this pull request is ${pull.merged ? "merged" : "closed"}, so there are no review threads left to follow. Reopen it and comment \`/orchestrate\` again.`,
          );
          return;
        }
        // A PR from a fork: its branch is the fork's, pushed only as a maintainer's edit.
        const refused = forkRefusal(sender, pull);
        if (refused) {
          await answerOnce(deps.github, coords(target), target.issueNumber, origin, refused);
          return;
        }
        const group = {
          name: `pr-${pull.number}`,
          branch: pull.head,
          pull: pull.number,
          ...(pull.fromFork && pull.headRepo
            ? { headRepo: { owner: pull.headRepo.owner, repo: pull.headRepo.repo } }
            : {}),
        };
        fresh.run = {
          ...fresh.run,
          state: "reviewing",
          reason: `following the review threads of #${pull.number}`,
          groups: [group],
        };
        const { created } = await deps.store.createIfIdle(fresh);
        if (created) {
          await deps.reviews?.track({
            owner: target.owner,
            repo: target.repo,
            number: pull.number,
            installationId: target.installationId,
            runKey: key,
            group: group.name,
          });
        }
        await publish(key);
        return;
      }
      const { created, existing } = await deps.store.createIfIdle(fresh);
      if (!created) {
        // The same delivery again (a retried job) finishes its planning; any other trigger on an
        // active run only refreshes its status comment.
        if (existing?.run.origin === origin && existing.run.state === "planning") {
          await publish(key);
          await plan(target, existing.run.conversation);
          return;
        }
        await publish(key);
        return;
      }
      await publish(key);
      await plan(target, []);
    },

    async answer(target, sender, _config, comment) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const snapshot = await deps.store.get(key);
      if (snapshot && isLive(snapshot.run.state)) {
        // Tasks waiting for an answer to their agents' questions go on with this one.
        const answered = await deps.store.updateSnapshot(key, (current) =>
          answerTasks(current, sender, comment),
        );
        if (!answered) return;
        await deps.dispatcher.dispatchReady(key);
        await publish(key);
        return;
      }
      // Only the planner's questions take a comment as their answer (a run waiting for a person
      // to make its CI green asked none).
      if (snapshot?.run.state !== "needs-input" || snapshot.run.awaitingApproval) return;
      if (snapshot.run.questions.length === 0) return;
      const conversation = [
        ...snapshot.run.conversation,
        ...snapshot.run.questions.map((q) => `Planner asked: ${q}`),
        `@${sender} answered: ${comment}`,
      ];
      await deps.store.updateRun(key, (run) => ({
        ...run,
        state: "planning",
        reason: null,
        questions: [],
        conversation,
      }));
      await publish(key);
      await plan(target, conversation);
    },

    async approve(target, sender) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const updated = await deps.store.updateRun(key, (run) =>
        run.state === "needs-input" && run.awaitingApproval
          ? { ...run, state: "running", reason: `approved by @${sender}`, awaitingApproval: false }
          : null,
      );
      if (updated) await deps.dispatcher.dispatchReady(key);
      await publish(key);
    },

    async stop(target, sender, origin) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      if (!(await deps.store.stateOf(key))) {
        // Nothing to stop — or not yet: GitHub does not promise to deliver in order, and a stop
        // may overtake the label that starts the run. Say so, rather than a silent 👀.
        await answerOnce(
          deps.github,
          coords(target),
          target.issueNumber,
          origin,
          `@${sender}, there is no Orchestrate run on this issue to stop. If one starts after this, comment \`/orchestrate stop\` again.`,
        );
        return;
      }
      await halt(key, `stopped by @${sender}`);
      await publish(key);
    },

    async retry(target, sender, taskId, origin) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const snapshot = await deps.store.get(key);
      const task = snapshot?.tasks.find((t) => t.id === taskId);
      if (!snapshot || !task || task.status !== "failed") {
        const known = snapshot?.tasks
          .filter((t) => t.status === "failed")
          .map((t) => `\`${t.id}\``);
        await answerOnce(
          deps.github,
          coords(target),
          target.issueNumber,
          origin,
          `@${sender}, there is no failed task \`${taskId ?? ""}\` to retry${
            known?.length ? `; failed tasks: ${known.join(", ")}` : ""
          }. Usage: \`/orchestrate retry <task-id>\`.`,
        );
        return;
      }
      await deps.store.updateTask(key, task.id, (t) =>
        t.status === "failed"
          ? { ...t, status: "pending", report: `retry asked by @${sender}`, retryBase: t.attempts }
          : null,
      );
      const reopened = await deps.store.updateRun(key, (run) =>
        isEnded(run.state)
          ? { ...run, state: "running", reason: `retry of ${task.id} asked by @${sender}` }
          : null,
      );
      // The run goes on: what its stop or budget cancelled is waiting again (else the run would
      // stay `running` with work nobody queues).
      if (reopened) {
        for (const t of snapshot.tasks.filter((t) => t.status === "cancelled")) {
          await deps.store.updateTask(key, t.id, (current) =>
            current.status === "cancelled"
              ? { ...current, status: "pending", report: `run again by @${sender}'s retry` }
              : null,
          );
        }
      }
      await deps.dispatcher.dispatchReady(key);
      await publish(key);
    },

    async refresh(target) {
      await publish(runKey(target.owner, target.repo, target.issueNumber));
    },

    async reopen(target, sender, group, origin) {
      await reopenGroup(target, sender, group, origin, deps);
      await publish(runKey(target.owner, target.repo, target.issueNumber));
    },

    async replan(target, sender, edited, origin) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const snapshot = await deps.store.get(key);
      const state = snapshot?.run.state ?? null;
      if (state === "planning") {
        // The planner is at work: its plan is of the body it read, so ask it once more after.
        await plan(target, snapshot?.run.conversation ?? []);
        return;
      }
      if (state === null || !isLive(state)) {
        if (edited) return;
        await answerOnce(
          deps.github,
          coords(target),
          target.issueNumber,
          origin,
          state === "needs-input"
            ? `@${sender}, this run is waiting for answers or an approval, so there is no plan to change yet; it is planned from the spec as it is then.`
            : `@${sender}, there is no Orchestrate run going on this issue to re-plan. Comment \`/orchestrate\` to start one from the spec as it is.`,
        );
        return;
      }
      await plan(target, snapshot?.run.conversation ?? [], true);
    },

    async accessLost(target, why) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      await halt(key, `stopped: ${why}`, { unreachable: "access-lost" });
    },

    async issueEnded(target, o) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      const reason =
        o.action === "closed"
          ? `stopped because @${o.sender} closed the issue; reopen it and comment \`/orchestrate\` to start again`
          : o.action === "deleted"
            ? `stopped because @${o.sender} deleted the issue`
            : `stopped because @${o.sender} moved the issue to ${o.movedTo ?? "another repository"}`;
      const gone =
        o.action === "closed"
          ? {}
          : ({
              unreachable: o.action === "deleted" ? "issue-deleted" : "issue-transferred",
            } as const);
      if (await halt(key, reason, gone)) await publish(key);
    },

    async recover(target, config) {
      const key = runKey(target.owner, target.repo, target.issueNumber);
      if (await deps.store.stateOf(key)) return false;
      const rebuilt = await rebuildRun(target, config, deps);
      if (!rebuilt) return false;
      if (isLive(rebuilt.run.state)) {
        await deps.dispatcher.dispatchReady(key);
      }
      await publish(key);
      return true;
    },
  };
}

/** Whether `task` is already stored as it is, so writing it again can be left out. */
function sameRecord(task: TaskRecord, stored: TaskRecord[]): boolean {
  const old = stored.find((t) => t.id === task.id);
  return old !== undefined && JSON.stringify(old) === JSON.stringify(task);
}
