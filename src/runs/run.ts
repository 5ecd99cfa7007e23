import type { RepoConfig } from "../config/repoConfig.js";

export const runStates = [
  "planning",
  "needs-input",
  "running",
  "reviewing",
  "done",
  "failed",
  "stopped",
] as const;
export type RunState = (typeof runStates)[number];

export type TaskStatus =
  | "pending"
  | "ready"
  | "in_progress"
  | "needs-input"
  | "complete"
  | "failed"
  | "cancelled";
/**
 * `catch-up`: merge the moved base into the group's branch, verify, push (no agent unless the
 * merge conflicts); `conflict`: the same merge, known to conflict, resolved by an agent.
 */
export type TaskKind = "implement" | "review-thread" | "catch-up" | "conflict" | "ci-fix";

export interface TaskRecord {
  id: string;
  group: string;
  depends_on: string[];
  title: string;
  description: string;
  verify?: string | undefined;
  backend?: string | undefined;
  /** the model and reasoning effort the spec asks for (else the repository's backend_defaults) */
  model?: string | undefined;
  effort?: string | undefined;
  race?: number | undefined;
  priority: number;
  status: TaskStatus;
  kind: TaskKind;
  attempts: number;
  /**
   * attempts the attempt limit does not count: those made before the last `/orchestrate retry`,
   * and those that asked the maintainers a question
   */
  retryBase?: number | undefined;
  /** backend of the last attempt */
  lastBackend?: string | undefined;
  /** the model the last attempt's CLI said it used (or was given, when it names none) */
  lastModel?: string | undefined;
  /** tokens and cost over every attempt, failed ones included, as the agents reported them */
  usage?: TaskUsage | undefined;
  commit?: string | undefined;
  /** last line of the agent's report, or the failure reason */
  report?: string | undefined;
  /** how a `catch-up`/`conflict` task brings the branch up to date */
  update?: "merge" | "rebase" | undefined;
  /** the review threads a `review-thread` task answers */
  threads?: ReviewThreadRef[] | undefined;
  /** the failed checks of the pull request's head a `ci-fix` task makes green */
  checks?: CiFailures | undefined;
  /** the agent's explanation when it answered a thread without changing code */
  explanation?: string | undefined;
  /** what the last attempt asked instead of changing anything, while the task is `needs-input` */
  question?: TaskQuestion | undefined;
  /** the questions its attempts asked and the maintainers' answers, in every later work order */
  answers?: TaskAnswer[] | undefined;
  /** why the previous attempt failed, fed into the next attempt's work order */
  lastFailure?: string | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /**
   * Agent time summed over every finished attempt, when the worker records it. `startedAt` and
   * `finishedAt` only span the last attempt, so without this the status comment counts that one.
   */
  durationMs?: number | undefined;
  /** an attempt ran on a worker whose operator turned the agent sandbox off */
  unsandboxed?: boolean | undefined;
  /** what the last re-plan did to the task, for the status comment */
  changes?: "added" | "changed" | undefined;
}

/** A question an agent asked instead of a change (its report began with `QUESTION:`). */
export interface TaskQuestion {
  text: string;
  /** the attempt that asked it: its comment on the issue is found again by it */
  attempt: number;
  /** the App's comment on the issue that asks it, once posted */
  commentId?: number | undefined;
}

export interface TaskAnswer {
  question: string;
  answer: string;
  /** login of the maintainer who answered */
  by: string;
}

/** What a task's attempts spent, summed. */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  /** US dollars over the attempts whose cost is known */
  costUsd?: number | undefined;
  /**
   * Attempts whose cost is unknown: their CLI reports none and the operator's price table
   * (ORCHESTRATE_PRICES) has no price for their model. `limits.usd` cannot count them.
   */
  unpriced?: number | undefined;
}

/** A review thread a `review-thread` task answers; only trusted authors' comments are kept. */
export interface ReviewThreadRef {
  id: string;
  pull: number;
  path: string;
  line: number | null;
  diffHunk: string;
  comments: Array<{ author: string; body: string }>;
  /** comments in the thread when the task was made */
  commentCount: number;
  /** the app has replied in the thread and resolved it */
  answered?: boolean | undefined;
}

export type GroupPullState = "merged" | "closed";

/** The failed checks of one head of a group's pull request, as a `ci-fix` task's work order shows them. */
export interface CiFailures {
  pull: number;
  headSha: string;
  failures: CiFailure[];
}

export interface CiFailure {
  name: string;
  /** what the check reported (title, summary, text), bounded */
  output: string;
  /** the tail of a failed GitHub Actions job's log, bounded; absent when unreadable */
  log?: string | undefined;
  /** why the log is missing (a permission the installation has not granted) */
  logMissing?: string | undefined;
}

/** How CI stands on the head of a group's pull request, as the last look at its checks saw it. */
export interface GroupCi {
  headSha: string;
  /** `none`: no check but the App's own; `blind`: the App may not read them (see note) */
  state: "pending" | "green" | "red" | "none" | "blind";
  /** checks still queued or running, or failed (by name) */
  pending?: string[] | undefined;
  failing?: string[] | undefined;
  /** when checks of this head were first seen not finished (ISO) */
  since: string;
  /** GitHub Actions checks of this head already re-run once */
  rerun?: string[] | undefined;
  /** a line for the status comment: a check late, required but unseen, a permission missing */
  note?: string | undefined;
}

export interface GroupRecord {
  name: string;
  branch: string;
  /**
   * The repository the branch lives in when it is not the run's own: the fork of an adopted
   * pull request from a fork. Every fetch and push of the group goes there.
   */
  headRepo?: { owner: string; repo: string } | undefined;
  pull: number | null;
  /** the group's `orchestrate` check run on the PR's head, and what it last said */
  checkRun?: { id: number; headSha: string; said: string } | undefined;
  /** a line for the status comment when something outside the run changed the group */
  note?: string | undefined;
  /** its pull request was merged, or closed without merge (see groupPullState) */
  state?: GroupPullState | undefined;
  /** the branch its pull request was opened against, or retargeted to (see stackParent) */
  base?: string | undefined;
  /**
   * People (and other apps) who pushed to the group's branch: their commits are never rewritten,
   * later tasks build on top of them (the status comment says so)
   */
  editedBy?: string[] | undefined;
  /** the PR against its base branch after the base moved, while it lasts (see catchUpGroup) */
  catchUp?: GroupCatchUp | undefined;
  /** review threads on the group's pull request, as the last reconcile counted them */
  threads?: { open: number; resolved: number; ignored: number } | undefined;
  /** CI on the pull request's head (see followChecks) */
  ci?: GroupCi | undefined;
}

export interface GroupCatchUp {
  /** the base branch and the tip it was compared with */
  branch: string;
  sha: string;
  behindBy: number;
  /** `behind`: left as it is (`update: never`); `catching-up`: `task` brings it up to date */
  state: "behind" | "catching-up";
  task?: string | undefined;
  /** why the update is not the one configured (a rebase that became a merge) */
  note?: string | undefined;
}

export interface RunRecord {
  /** `owner/repo#N` */
  key: string;
  owner: string;
  repo: string;
  issueNumber: number;
  installationId: number;
  /**
   * 1 for a run's first start; each re-run of an ended run (labelled again, `/orchestrate`)
   * is the next. Task job ids carry it, so a re-run's jobs are never taken for the last one's.
   */
  generation?: number | undefined;
  state: RunState;
  /** why the run is in its state, in one line: "waiting for /orchestrate approve", an error… */
  reason: string | null;
  statusCommentId: number | null;
  /** digest of what the status comment last showed (see statusComments) */
  statusDigest?: string | undefined;
  startedBy: string;
  /** delivery id of the trigger that created the run: a retried job resumes, others refresh */
  origin: string;
  createdAt: string;
  updatedAt: string;
  /** questions from the planner while `needs-input` */
  questions: string[];
  /** earlier questions and the answers given, fed to the planner when it re-plans */
  conversation: string[];
  /** spec errors that stopped the plan, already formatted for people */
  errors: string[];
  awaitingApproval: boolean;
  /** login of whoever stopped the run, for the status comment */
  stoppedBy?: string | undefined;
  config: RepoConfig;
  groups: GroupRecord[];
  /**
   * Nothing of the run can be written on GitHub any more: its issue was deleted or moved (the
   * status comment went with it), or the App lost the repository (removed from the
   * installation, suspended, uninstalled). A write there would only fail, again and again.
   */
  unreachable?: "issue-deleted" | "issue-transferred" | "access-lost" | undefined;
  /** GitHub's limits hold the run's writes back until `until` (an ISO time); shown while it lasts */
  githubWait?: { limit: "requests" | "writes"; until: string } | undefined;
  /** GitHub refused a draft here once: the run's other PRs are opened ready, without asking */
  draftsUnsupported?: boolean | undefined;
  /**
   * Tasks a re-plan removed, as they were, by id: one that comes back unchanged is what it
   * was; one that comes back changed counts its attempts on from there, so its jobs never take
   * the id of a finished job the queue still keeps.
   */
  retired?: Record<string, TaskRecord> | undefined;
  /** what the last re-plan (edited spec, re-run, `/orchestrate replan`) changed, by task id */
  replanned?: { added: string[]; changed: string[]; removed: string[]; kept: number } | undefined;
}

export interface RunSnapshot {
  run: RunRecord;
  tasks: TaskRecord[];
}

export function runKey(owner: string, repo: string, issueNumber: number): string {
  return `${owner}/${repo}#${issueNumber}`;
}
