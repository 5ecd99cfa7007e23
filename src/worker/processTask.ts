import type { PriceTable } from "../config/parsePrices.js";
import type { GitHubPort } from "../github/githubPort.js";
import { GitHubWaitError, waitNoteOf } from "../github/githubWaitError.js";
import { workflowRefusal } from "../github/workflowRefusal.js";
import { JobLockLostError } from "../queue/taskJob.js";
import type { AttemptUsage } from "../runs/addUsage.js";
import { isCatchUp } from "../runs/catchUpGroup.js";
import { noteBranchEdit } from "../runs/noteBranchEdit.js";
import { noteRewrittenCommits } from "../runs/noteRewrittenCommits.js";
import type { RunRecord, RunSnapshot, TaskRecord } from "../runs/run.js";
import { isLive } from "../runs/runMachine.js";
import type { RunStore } from "../runs/runStore.js";
import { groupBase } from "../runs/stackParent.js";
import { plainText } from "../runs/status/plainText.js";
import {
  askedAttempt,
  cancelAttempt,
  cancelForEndedRun,
  claimAttempt,
  completeAttempt,
  failedAttempt,
  giveBackAttempt,
  isThisAttempt,
  isThisGeneration,
  mayPush,
} from "../runs/taskAttempt.js";
import { runAttempt } from "./attempt.js";
import { attemptLogDir, lastAttemptLogPath } from "./attemptLogDir.js";
import type { BackendConfig } from "./backendConfig.js";
import { runCatchUp } from "./catchUpAttempt.js";
import { chooseBackends } from "./chooseBackends.js";
import { failureReport } from "./failureReport.js";
import type { Isolation } from "./isolation/isolation.js";
import { keepLastAttempt } from "./keepLastAttempt.js";
import { modelFor } from "./modelFor.js";
import { priceUsage } from "./priceUsage.js";
import { renderWorkOrder, type WorkOrderInput } from "./prompt.js";
import { pushTarget } from "./pushTarget.js";
import { type Outcome, race } from "./raceBackends.js";
import type { GitTokens, Workspaces } from "./workspace.js";

export interface TaskJobInput {
  runKey: string;
  taskId: string;
  attempt: number;
  installationId: number;
  /** the run generation the job was queued for; an older one's job does nothing */
  generation?: number | undefined;
}

export interface ProcessTaskDeps {
  store: RunStore;
  github(installationId: number): Promise<GitHubPort>;
  workspaces: Workspaces;
  backends: BackendConfig[];
  /** where agents and verify commands run (bubblewrap unless the operator opted out) */
  isolation: Isolation;
  /** whether a backend (by name), or "verify", shares the worker's network; default: none */
  network?: (name: string) => boolean;
  /** where each attempt's prompt, log and report are kept for the operator */
  logsDir: string;
  taskTimeoutMs: number;
  /** the operator's prices (ORCHESTRATE_PRICES) for the CLIs that report no cost */
  prices?: PriceTable;
  /** after any change of a task: dispatch dependants, open PRs, settle and publish the run */
  afterChange(runKey: string, installationId: number, group: string): Promise<void>;
}

/**
 * One attempt of one task, as a worker runs it: claim the task, run the agent(s) in fresh
 * worktrees, verify, push, then record the result. A job delivered again (a stalled worker's
 * job taken over) finds the task already complete and does nothing, so no task completes twice;
 * one whose worker died after its push finds the pushed commit and completes with it.
 */
export async function processTask(
  job: TaskJobInput,
  signal: AbortSignal,
  deps: ProcessTaskDeps,
): Promise<void> {
  const snapshot = await deps.store.get(job.runKey);
  const task = snapshot?.tasks.find((t) => t.id === job.taskId);
  if (!snapshot || !task) return;
  const { run } = snapshot;
  // A job of the run's last generation (BullMQ keeps them for days) is not this run's work.
  if (!isThisGeneration(run, job)) return;
  if (!isLive(run.state)) {
    await finish(job, deps, (t) => cancelForEndedRun(t, run));
    return;
  }
  // The attempt a crashed worker left in progress, when this delivery takes it over.
  const crashed: { task: TaskRecord | null } = { task: null };
  const claimed = await deps.store.updateTask(job.runKey, job.taskId, (t, current) => {
    crashed.task = isThisAttempt(t, job) ? t : null;
    return claimAttempt(t, current, job, {
      now: new Date().toISOString(),
      unsandboxed: !deps.isolation.sandboxed,
    });
  });
  if (!claimed) return;
  // Time spent on the task over every attempt (a crashed one's included); the status comment
  // shows it.
  const began = Date.now() - (crashed.task ? elapsedSince(crashed.task.startedAt) : 0);
  const spent = (t: TaskRecord) => (t.durationMs ?? 0) + (Date.now() - began);
  // Only the status comment follows from this change; it is refreshed again by the next one.
  await deps.afterChange(job.runKey, job.installationId, task.group).catch(() => undefined);

  let outcome: Outcome;
  try {
    const found = await work(job, signal, deps, snapshot, claimed, crashed.task, spent);
    if (found === "taken-over") return;
    outcome = found;
  } catch (error) {
    // Infrastructure (GitHub, git, disk) failed under the attempt: a retry, never a stuck task.
    if (signal.reason instanceof JobLockLostError) return;
    if (error instanceof GitHubWaitError) {
      // GitHub's limits: the same attempt waits until GitHub takes requests again (the queue
      // delays the job), ready to be claimed again then; it is not a failure of the task.
      await deps.store.updateTask(job.runKey, job.taskId, (t) => giveBackAttempt(t, job));
      await deps.store
        .updateRun(job.runKey, (run) => {
          const note = waitNoteOf(error, run.githubWait);
          return note ? { ...run, githubWait: note } : null;
        })
        .catch(() => undefined);
      await deps.afterChange(job.runKey, job.installationId, task.group).catch(() => undefined);
      throw error;
    }
    outcome = {
      ok: false,
      reason: signal.aborted ? "aborted" : "worker-error",
      detail: error instanceof Error ? error.message : String(error),
      report: "",
      backend: claimed.lastBackend ?? "none",
    };
  }

  if (outcome.ok) {
    if (outcome.othersOnBranch.length > 0) {
      // Said before the settle that follows, so the status comment it publishes names them.
      const github = await deps.github(job.installationId);
      await noteBranchEdit({ runKey: job.runKey, group: claimed.group }, outcome.othersOnBranch, {
        store: deps.store,
        appLogin: github.appLogin,
      }).catch(() => undefined);
    }
    if (outcome.rewritten) {
      // A rebase replaced the group's commits: the tasks (and the PR's checklist) link the new.
      await noteRewrittenCommits(job.runKey, outcome.rewritten, deps.store).catch(() => undefined);
    }
    await finish(job, deps, (t) =>
      completeAttempt(t, job, {
        commit: outcome.sha ?? undefined,
        lastBackend: outcome.backend,
        report: lastLine(outcome.report),
        // A review thread answered without a change keeps the agent's whole explanation for
        // the reply.
        explanation: outcome.noChange ? outcome.report.slice(0, 4000) : undefined,
        durationMs: spent(t),
        now: new Date().toISOString(),
        usage: outcome.usage,
      }),
    );
    return;
  }
  // Another worker holds the job now and records what becomes of the task.
  if (signal.reason instanceof JobLockLostError) return;
  if (signal.aborted || outcome.reason === "aborted") {
    // A re-plan that changed or removed the task has already put it where it belongs.
    await finish(job, deps, (t) =>
      cancelAttempt(t, job, {
        now: new Date().toISOString(),
        durationMs: spent(t),
        usage: outcome.usage,
      }),
    );
    return;
  }
  if (outcome.reason === "question") {
    // Asked on the issue by the settle that follows; a maintainer's answer queues it again.
    await finish(job, deps, (t, run) =>
      askedAttempt(t, run, job, {
        question: outcome.detail,
        backend: outcome.backend,
        durationMs: spent(t),
        now: new Date().toISOString(),
      }),
    );
    return;
  }
  // Configuration errors: no agent can fix them, so another attempt would only fail the same way.
  // GitHub refusing a workflow file is one: the App lacks the permission, whatever the agent does.
  const workflow = outcome.reason === "push-rejected" ? workflowRefusal(outcome.detail) : null;
  const fatal =
    outcome.reason === "verify-missing" ||
    outcome.reason === "no-backend" ||
    outcome.reason === "fork-locked" ||
    // A catch-up conflicts only when git cannot merge at all (a base with no shared history):
    // the agent resolves every other conflict, so another attempt would meet the same wall.
    (isCatchUp(claimed) && outcome.reason === "conflict") ||
    workflow !== null;
  const detail = workflow
    ? failureReport(
        "workflow-permission",
        `GitHub refused the push: it changes ${workflow.path}, and this App has no \`workflows\` permission. Change the task so it leaves .github/workflows/ alone, or give the App the permission (see the README's "Registering the App"), then \`/orchestrate retry ${job.taskId}\`.\n${outcome.detail}`,
        job.attempt,
        outcome.backend,
      )
    : failureReport(outcome.reason, outcome.detail, job.attempt, outcome.backend);
  await fail(job, deps, { detail, backend: outcome.backend, fatal, usage: outcome.usage }, spent);
}

/**
 * Runs the claimed attempt and says how it went; "taken-over" when a crashed worker had already
 * pushed this task's commit and the task was completed with it.
 */
async function work(
  job: TaskJobInput,
  signal: AbortSignal,
  deps: ProcessTaskDeps,
  snapshot: RunSnapshot,
  claimed: TaskRecord,
  crashed: TaskRecord | null,
  spent: (t: TaskRecord) => number,
): Promise<Outcome | "taken-over"> {
  const { run } = snapshot;
  const task = claimed;
  const github = await deps.github(job.installationId);
  const repo = { owner: run.owner, repo: run.repo };
  const [info, issue, identity] = await Promise.all([
    github.repoInfo(repo),
    github.issue(repo, run.issueNumber),
    github.botIdentity(),
  ]);
  // Every git operation gets a token of its own, for this repository only, revoked after it.
  const tokens: GitTokens = async (access) => {
    const minted = await github.gitToken(repo, access);
    return { value: minted.token, revoke: minted.revoke };
  };
  const group = run.groups.find((g) => g.name === task.group);
  const branch = group?.branch ?? `orchestrate/${run.issueNumber}-${task.group}`;
  // The run's repository, or the fork an adopted PR's branch lives in (the tokens stay the
  // base's: GitHub takes its write access for a maintainer's edit of the fork).
  const target = await pushTarget(github, run, group, info);
  if (!target.ok) {
    return {
      ok: false,
      reason: "fork-locked",
      detail: `${target.detail}; then \`/orchestrate retry ${task.id}\``,
      report: "",
      backend: "none",
    };
  }
  // A stacked group starts from its parent group's branch, and only commits past it are its own.
  const repoRef = group?.headRepo
    ? target.repo
    : { ...target.repo, defaultBranch: groupBase(snapshot, task.group, target.repo.defaultBranch) };
  if (crashed) {
    const sha = await deps.workspaces.findCommit(repoRef, branch, tokens, {
      trailer: taskTrailer(run, task),
      since: new Date(crashed.startedAt ?? run.createdAt),
    });
    if (sha) {
      await finish(job, deps, (t) =>
        completeAttempt(t, job, {
          commit: sha,
          report: `pushed ${sha.slice(0, 12)} before its worker stopped; taken over without running the agent again`,
          durationMs: spent(t),
          now: new Date().toISOString(),
        }),
      );
      return "taken-over";
    }
  }
  const backends = chooseBackends(deps.backends, {
    repoAllows: run.config.backends,
    preferred: task.backend,
    attempt: job.attempt,
    race: task.race ?? run.config.race,
  });
  if (backends.length === 0) {
    return {
      ok: false,
      reason: "no-backend",
      detail: "no backend is configured: set ORCHESTRATE_BACKENDS on the workers",
      report: "",
      backend: "none",
    };
  }
  const verify = task.verify ?? run.config.verify;
  const workflowsLocked = !(await github.canPushWorkflows());
  const order: WorkOrderInput = {
    repo: `${run.owner}/${run.repo}`,
    issueNumber: run.issueNumber,
    issueTitle: issue.title,
    specContext: issue.body,
    task: {
      id: task.id,
      title: task.title,
      description: task.description,
      group: task.group,
      kind: task.kind,
    },
    branch,
    groupTasks: snapshot.tasks
      .filter((t) => t.group === task.group)
      .map((t) => ({ id: t.id, title: t.title, status: t.status })),
    ...(task.threads
      ? {
          reviewThreads: task.threads.map((t) => ({
            path: t.path,
            line: t.line,
            diffHunk: t.diffHunk,
            comments: t.comments,
          })),
        }
      : {}),
    ...(task.checks ? { ciFailures: task.checks.failures } : {}),
    ...(verify ? { verify } : {}),
    ...(workflowsLocked ? { lockedPaths: [".github/workflows/"] } : {}),
    ...(claimed.lastFailure && job.attempt > 1 ? { previousFailure: claimed.lastFailure } : {}),
    ...(claimed.answers?.length ? { answers: claimed.answers } : {}),
  };
  const prompt = renderWorkOrder(order);
  // A catch-up merges the base the PR is on (the default branch, or a parent group's branch).
  const base = group?.catchUp?.branch ?? group?.base ?? info.defaultBranch;

  return race(backends, signal, async (backend, raceSignal, claim) => {
    const attemptDir = attemptLogDir(deps.logsDir, run.key, task.id, job.attempt, backend.name);
    const options = {
      workspaces: deps.workspaces,
      repo: repoRef,
      branch,
      tokens,
      isolation: deps.isolation,
      network: {
        agent: deps.network?.(backend.name) ?? false,
        verify: deps.network?.("verify") ?? false,
      },
      identity,
      taskKey: `${run.issueNumber}-${task.id}-a${job.attempt}-${backend.name}`,
      backend,
      ...(verify ? { verify } : {}),
      taskId: task.id,
      taskKind: task.kind,
      attemptDir,
      timeoutMs: Math.min(deps.taskTimeoutMs, backend.timeoutMs ?? Number.POSITIVE_INFINITY),
      signal: raceSignal,
      commitMessage: commitMessage(run, task),
      ...modelFor(task, run.config, backend.name),
      claim,
      mayPush: async () => mayPush(await deps.store.get(job.runKey), job),
    };
    const result = isCatchUp(task)
      ? await runCatchUp({
          ...options,
          base,
          update: task.update,
          commitMessage: mergeMessage(run, task, base, branch),
          workOrder: (files) => renderWorkOrder({ ...order, conflicts: { base, files } }),
        })
      : await runAttempt({ ...options, prompt });
    if (result.ok || result.reason !== "aborted") {
      await keepLastAttempt(lastAttemptLogPath(deps.logsDir, run.key, task.id), attemptDir, {
        taskId: task.id,
        attempt: job.attempt,
        backend: backend.name,
        outcome: result.ok
          ? "complete"
          : result.reason === "question"
            ? "asked a question"
            : failureReport(result.reason, result.detail, job.attempt, backend.name).split(
                "\n",
              )[0]!,
      });
    }
    const usage = result.usage && priceUsage(result.usage, deps.prices ?? {}, backend.name);
    return result.ok
      ? {
          ok: true,
          sha: result.sha,
          noChange: result.noChange,
          report: result.report,
          backend: backend.name,
          othersOnBranch: result.othersOnBranch,
          rewritten: result.rewritten,
          usage,
        }
      : {
          ok: false,
          reason: result.reason,
          detail: result.detail,
          report: result.report,
          backend: backend.name,
          usage,
        };
  });
}

async function fail(
  job: TaskJobInput,
  deps: ProcessTaskDeps,
  o: { detail: string; backend: string; fatal: boolean; usage?: AttemptUsage | undefined },
  spent: (t: TaskRecord) => number,
): Promise<void> {
  // A retry goes back to pending with the failure kept: dispatch queues attempt n+1, whose
  // work order carries this output, on the next backend.
  await finish(job, deps, (t, run: RunRecord) =>
    isThisAttempt(t, job)
      ? { ...failedAttempt(t, run, { attempt: job.attempt, ...o }), durationMs: spent(t) }
      : null,
  );
}

async function finish(
  job: TaskJobInput,
  deps: ProcessTaskDeps,
  change: (t: TaskRecord, run: RunRecord) => TaskRecord | null,
): Promise<void> {
  const updated = await deps.store.updateTask(job.runKey, job.taskId, change);
  if (updated) await deps.afterChange(job.runKey, job.installationId, updated.group);
}

function mergeMessage(run: RunRecord, task: TaskRecord, base: string, branch: string): string {
  return `Merge branch '${base}' into ${branch}\n\nTask ${task.id} of #${run.issueNumber}.\n\n${taskTrailer(run, task)}`;
}

function commitMessage(run: RunRecord, task: TaskRecord): string {
  // No control or bidi characters in a subject: they would reorder what `git log` shows.
  return `${plainText(task.title).replace(/\s+/g, " ").slice(0, 72)}\n\nTask ${task.id} of #${run.issueNumber}.\n\n${taskTrailer(run, task)}`;
}

/** The trailer that marks a task's commit, so a takeover can find work pushed before a crash. */
function taskTrailer(run: RunRecord, task: TaskRecord): string {
  return `Orchestrate-Task: ${run.key} ${task.id}`;
}

function elapsedSince(iso: string | undefined): number {
  const start = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(start) ? Math.max(0, Date.now() - start) : 0;
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split("\n")
    .filter((l) => l.trim());
  return (lines[lines.length - 1] ?? "").slice(0, 300);
}
