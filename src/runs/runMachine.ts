import type { RunState, TaskStatus } from "./run.js";

/**
 * The one state machine of runs and tasks: every state change any writer makes is one of the
 * moves below, by one of the causes named with it. The run store refuses (and reports) a change
 * that is no move at all; writers ask `runMay`/`taskMay` with their cause before they change.
 */
export type Cause =
  /** a label or `/orchestrate` that starts a run, or a new generation of an ended one */
  | "trigger"
  /** the planner's answer: a plan, questions, or a spec it cannot plan */
  | "planner"
  /** a maintainer's command: answer (the planner's or a task's question), approve, stop, retry, replan */
  | "command"
  /** a worker claiming, finishing, failing or giving back a task's attempt */
  | "worker"
  /** dispatch and the settle steps that follow a task's change */
  | "settle"
  /** new review threads on a followed pull request */
  | "review"
  /** the base branch of a group's pull request moved: the branch is caught up */
  | "base"
  /** the run's budget of agent minutes or attempts spent */
  | "budget"
  /** the issue closed, deleted or moved; the repository out of the App's reach */
  | "outside"
  /** a job that failed for good, or a task that stalled past its limit */
  | "failure"
  /** a re-plan that dropped the task */
  | "replan"
  /** CI results on a group's pull request: red past `limits.ci_rounds`, red or green again */
  | "checks";

type Moves<S extends string> = Record<S, Partial<Record<S, readonly Cause[]>>>;

const STOPPERS: readonly Cause[] = ["command", "budget", "outside"];

export const RUN_MOVES: Moves<RunState> = {
  planning: {
    "needs-input": ["planner"],
    running: ["planner"],
    failed: ["planner", "failure"],
    stopped: ["command", "outside"],
  },
  "needs-input": {
    planning: ["command", "trigger"],
    running: ["command"],
    reviewing: ["checks"],
    failed: ["failure"],
    stopped: ["command", "outside"],
  },
  running: {
    planning: ["command", "trigger"],
    reviewing: ["settle"],
    done: ["settle"],
    "needs-input": ["checks", "settle"],
    failed: ["settle", "failure"],
    stopped: STOPPERS,
  },
  reviewing: {
    planning: ["command", "trigger"],
    running: ["settle", "checks"],
    "needs-input": ["checks", "settle"],
    done: ["settle"],
    failed: ["settle", "failure"],
    stopped: STOPPERS,
  },
  done: {
    planning: ["trigger", "command"],
    running: ["command"],
    reviewing: ["review", "trigger", "base", "checks"],
    stopped: ["outside"],
  },
  failed: {
    planning: ["trigger", "command"],
    running: ["command"],
    reviewing: ["trigger"],
    stopped: ["outside"],
  },
  stopped: {
    planning: ["trigger", "command"],
    running: ["command"],
    reviewing: ["trigger"],
  },
};

export const TASK_MOVES: Moves<TaskStatus> = {
  pending: {
    ready: ["settle"],
    cancelled: ["command", "budget", "outside", "replan", "worker"],
    failed: ["failure"],
  },
  ready: {
    in_progress: ["worker"],
    // its job failed for good before a worker claimed it: the attempt counts as failed.
    pending: ["failure"],
    cancelled: ["command", "budget", "outside", "replan", "worker"],
    failed: ["failure"],
  },
  in_progress: {
    // ready: the attempt waits for GitHub's limits and is claimed again after.
    ready: ["worker"],
    // pending: a failed attempt with attempts left, or one that stalled past its limit.
    pending: ["worker", "failure"],
    complete: ["worker"],
    // the agent asked the maintainers a question instead of changing anything.
    "needs-input": ["worker"],
    failed: ["worker", "failure"],
    cancelled: ["worker", "replan"],
  },
  "needs-input": {
    // answered (a maintainer's next comment), or a re-plan that changed what it must do.
    pending: ["command", "replan"],
    cancelled: ["command", "budget", "outside", "replan"],
  },
  complete: {
    // a re-plan that changed what the task must do: it is done again.
    pending: ["replan"],
    cancelled: ["replan"],
  },
  failed: { pending: ["command", "replan"], cancelled: ["replan"] },
  cancelled: { pending: ["command", "replan", "trigger"] },
};

/** A run whose agents may run, push and open PRs. */
export function isLive(state: RunState): boolean {
  return state === "running" || state === "reviewing";
}

/** A run a second trigger refreshes instead of starting anew. */
export function isActive(state: RunState): boolean {
  return state === "planning" || state === "needs-input" || isLive(state);
}

export function isEnded(state: RunState): boolean {
  return !isActive(state);
}

/** A task that has not come to an end yet. */
export function isOpenTask(status: TaskStatus): boolean {
  return status === "pending" || status === "ready" || status === "in_progress";
}

/** Whether `cause` may move a run from `from` to `to`; staying in a state is always allowed. */
export function runMay(from: RunState, to: RunState, cause?: Cause): boolean {
  if (from === to) return true;
  const causes = RUN_MOVES[from][to];
  return causes !== undefined && (cause === undefined || causes.includes(cause));
}

/** Whether `cause` may move a task from `from` to `to`; staying is always allowed. */
export function taskMay(from: TaskStatus, to: TaskStatus, cause?: Cause): boolean {
  if (from === to) return true;
  const causes = TASK_MOVES[from][to];
  return causes !== undefined && (cause === undefined || causes.includes(cause));
}
