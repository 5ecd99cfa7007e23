import { type AttemptUsage, addUsage } from "./addUsage.js";
import type { RunRecord, RunSnapshot, TaskRecord } from "./run.js";
import { isEnded, isLive, isOpenTask } from "./runMachine.js";

/** Which attempt of a task a job stands for, and of which generation of its run. */
export interface AttemptRef {
  attempt: number;
  generation?: number | undefined;
}

// The moves a worker makes on a task, as pure functions of what the store holds (each is the
// `change` of one compare-and-set, so it may be called again on a newer value). null: the
// task is not where this attempt left it, and nothing is written.

/** The task is still in this job's attempt: no re-plan, stop or takeover has moved it on. */
export function isThisAttempt(t: TaskRecord, job: AttemptRef): boolean {
  return t.status === "in_progress" && t.attempts === job.attempt;
}

/** The job belongs to the run's current generation. */
export function isThisGeneration(run: RunRecord, job: AttemptRef): boolean {
  return (run.generation ?? 1) === (job.generation ?? 1);
}

/**
 * ready → in_progress for this attempt; in_progress of this same attempt is a takeover of a
 * crashed worker's job (the caller tells them apart by the status it passed in).
 */
export function claimAttempt(
  t: TaskRecord,
  run: RunRecord,
  job: AttemptRef,
  o: { now: string; unsandboxed: boolean },
): TaskRecord | null {
  if (!isLive(run.state) || !isThisGeneration(run, job)) return null;
  if (t.status !== "ready" && !isThisAttempt(t, job)) return null;
  return {
    ...t,
    status: "in_progress",
    attempts: job.attempt,
    startedAt: o.now,
    // The status comment warns about work done outside the agent sandbox.
    ...(o.unsandboxed ? { unsandboxed: true } : {}),
  };
}

/**
 * Whether the attempt may push, from the run as the store holds it right before the push: a
 * stop is a state there, so a worker that missed the stop message (or a re-plan's) does not
 * push after it.
 */
export function mayPush(snapshot: RunSnapshot | null, job: AttemptRef & { taskId: string }) {
  const task = snapshot?.tasks.find((t) => t.id === job.taskId);
  if (!snapshot || !task) return false;
  return (
    !isEnded(snapshot.run.state) && isThisGeneration(snapshot.run, job) && isThisAttempt(task, job)
  );
}

/**
 * The task's usage with the attempt's added, and the model it ran on. Every way an attempt
 * ends counts what it spent: a failed or stopped agent used its tokens too.
 */
function spentBy(t: TaskRecord, usage: AttemptUsage | undefined): Partial<TaskRecord> {
  if (!usage) return {};
  return { usage: addUsage(t.usage, usage), lastModel: usage.model };
}

/** The attempt's change is pushed (or, for a review thread, its answer is ready). */
export function completeAttempt(
  t: TaskRecord,
  job: AttemptRef,
  fields: Pick<TaskRecord, "commit" | "lastBackend" | "report" | "explanation" | "durationMs"> & {
    now: string;
    usage?: AttemptUsage | undefined;
  },
): TaskRecord | null {
  if (!isThisAttempt(t, job)) return null;
  const { now, usage, ...rest } = fields;
  return { ...t, ...rest, ...spentBy(t, usage), status: "complete", finishedAt: now };
}

/**
 * The agent asked a question instead of changing anything: the task waits for a maintainer's
 * answer (its attempt's work is dropped). Neither a success nor a failure, so the attempt does
 * not count against the attempt limit; the run's budget still counts it (an agent ran).
 */
export function askedAttempt(
  t: TaskRecord,
  run: RunRecord,
  job: AttemptRef,
  o: { question: string; backend: string; durationMs: number; now: string },
): TaskRecord | null {
  if (!isThisAttempt(t, job)) return null;
  // A run stopped while the agent worked (a worker that missed the stop): nobody is asked.
  if (!isLive(run.state) || !isThisGeneration(run, job)) return cancelAttempt(t, job, o);
  return {
    ...t,
    status: "needs-input",
    question: { text: o.question, attempt: job.attempt },
    retryBase: (t.retryBase ?? 0) + 1,
    lastBackend: o.backend,
    report: `asked: ${o.question.split("\n")[0]?.slice(0, 300) ?? ""}`,
    // What failed before the question is no longer what the next attempt must fix first.
    lastFailure: undefined,
    durationMs: o.durationMs,
    finishedAt: o.now,
  };
}

/** GitHub's limits hold the attempt back: it is claimed again when they allow, not failed. */
export function giveBackAttempt(t: TaskRecord, job: AttemptRef): TaskRecord | null {
  return isThisAttempt(t, job) ? { ...t, status: "ready" } : null;
}

/** The attempt was stopped (its run stopped, or its agent aborted). */
export function cancelAttempt(
  t: TaskRecord,
  job: AttemptRef,
  o: { now: string; durationMs?: number | undefined; usage?: AttemptUsage | undefined },
): TaskRecord | null {
  if (!isThisAttempt(t, job)) return null;
  return {
    ...t,
    ...spentBy(t, o.usage),
    status: "cancelled",
    report: "stopped",
    finishedAt: o.now,
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
  };
}

/** A job for a run that is no longer live: its task will not run now. */
export function cancelForEndedRun(t: TaskRecord, run: RunRecord): TaskRecord | null {
  return isOpenTask(t.status) ? { ...t, status: "cancelled", report: `run ${run.state}` } : null;
}

/**
 * The task after an attempt that failed, by the one retry policy: back to `pending` (the next
 * attempt's work order carries `detail`) while the task has attempts left — counted from the
 * last `/orchestrate retry` — and the failure can be fixed by another attempt; else `failed`.
 */
export function failedAttempt(
  task: TaskRecord,
  run: RunRecord,
  o: {
    attempt: number;
    detail: string;
    backend?: string | undefined;
    fatal: boolean;
    usage?: AttemptUsage | undefined;
  },
): TaskRecord {
  const retry = !o.fatal && o.attempt - (task.retryBase ?? 0) < run.config.limits.attempts;
  return {
    ...task,
    ...spentBy(task, o.usage),
    status: retry ? "pending" : "failed",
    attempts: Math.max(task.attempts, o.attempt),
    ...(o.backend ? { lastBackend: o.backend } : {}),
    report: o.detail,
    lastFailure: o.detail,
    finishedAt: retry ? undefined : new Date().toISOString(),
  };
}
