// One attempt at one task on one backend: the straight line a worker walks for a job.
// prepare the agent's repository → run the agent in its sandbox → take its files as a commit →
// verify (in the sandbox) → push (replay + re-verify if it lost a race) → remove the folders.
// Everything the agent, the verify command or the push race can do ends as a returned result;
// only infrastructure failures (git cannot fetch, disk full) throw.

import type { TaskKind } from "../runs/run.js";
import { agentFailureDetail } from "./agentFailureDetail.js";
import type { AgentUsage, BackendConfig } from "./backendConfig.js";
import { runBackend } from "./backends.js";
import type { Isolation } from "./isolation/isolation.js";
import { keepVerifyLog } from "./keepVerifyLog.js";
import { taskQuestion } from "./taskQuestion.js";
import { runVerify } from "./verify.js";
import { verifyFailureDetail } from "./verifyFailureDetail.js";
import type { GitIdentity } from "./workspace/gitEnv.js";
import {
  type GitTokens,
  type RepoRef,
  type Workspace,
  WorkspaceError,
  type Workspaces,
} from "./workspace.js";

export type AttemptFailureReason =
  | "agent-failed"
  | "timeout"
  | "aborted"
  | "verify-failed"
  | "verify-missing"
  | "no-change"
  | "conflict"
  | "push-rejected"
  | "workspace-lost"
  | "bad-change"
  /** not a failure: the agent asked a question instead (`detail` is the question) */
  | "question";

export type AttemptResult =
  | {
      ok: true;
      /** The pushed commit; null when a review-thread task needed no change. */
      sha: string | null;
      noChange: boolean;
      report: string;
      durationMs: number;
      /** The push was rebased onto work another task pushed meanwhile. */
      rebased: boolean;
      /** Authors other than the App of commits on the group's branch (see othersOnBranch). */
      othersOnBranch: string[];
      /** Commits a rebase replaced (old sha → new): the tasks that made them point at the new. */
      rewritten?: Record<string, string> | undefined;
      /** Tokens (and cost) the agent said it spent, when its backend reads them. */
      usage?: AgentUsage | undefined;
    }
  | {
      ok: false;
      reason: AttemptFailureReason;
      /** What went wrong, bounded; suitable as `previousFailure` of the next prompt. */
      detail: string;
      report: string;
      durationMs: number;
      /** A failed attempt spent tokens too. */
      usage?: AgentUsage | undefined;
    };

export interface AttemptOptions {
  workspaces: Workspaces;
  repo: RepoRef;
  branch: string;
  /** Mints a token per git operation (read to fetch, write to push), revoked after it. */
  tokens: GitTokens;
  /** Where the agent and verify run. */
  isolation: Isolation;
  /** Whether the agent / the verify command share the worker's network. */
  network?: { agent: boolean; verify: boolean };
  /** Author and committer of the task's commit (the App's bot). */
  identity?: GitIdentity;
  /** Names the worktree directory (e.g. "<run>-<task>-<attempt>"). */
  taskKey: string;
  backend: BackendConfig;
  prompt: string;
  verify?: string;
  taskId: string;
  taskKind: TaskKind;
  attemptDir: string;
  /** Time the agent may take. */
  timeoutMs: number;
  /** Time verify may take, each run. Default 10 minutes. */
  verifyTimeoutMs?: number;
  /** Aborting kills the agent's or verify's process group and stops before commit/push. */
  signal?: AbortSignal;
  commitMessage: string;
  /** The model and reasoning effort for the agent (the task's, else the repository's default). */
  model?: string | undefined;
  effort?: string | undefined;
  /** Extra environment for the agent (trusted; from the job layer). */
  extraEnv?: Record<string, string>;
  /**
   * Asked once the work is verified and committed locally, right before the push (or before
   * answering "no change" for a review thread). When several backends race one task, only the
   * first to claim may push; false means another racer won and this attempt ends "aborted".
   */
  claim?: () => boolean;
  /**
   * Asked right before each push: false when the run no longer wants this attempt's change
   * (stopped, ended, re-planned) — the stop is read from the run store, so a worker that missed
   * the stop message still does not push. The attempt then ends "aborted".
   */
  mayPush?: () => Promise<boolean>;
  /** SIGTERM→SIGKILL grace for agent and verify; tests shorten it. */
  killGraceMs?: number;
}

const DETAIL_CHARS = 8_000;

/** A failure's detail as results carry it: its end, when it is long. */
export function tail(text: string): string {
  return text.length <= DETAIL_CHARS ? text : `[…]\n${text.slice(-DETAIL_CHARS)}`;
}

/**
 * The agent's part of an attempt: its backend run in the workspace with `prompt`, and how it
 * ended — stopped, out of time, its worktree broken, failed, or a question asked instead of a
 * change — or no failure, when its files may be taken.
 */
export async function agentStep(
  o: Omit<AttemptOptions, "prompt">,
  ws: Workspace,
  prompt: string,
): Promise<{
  report: string;
  usage: AgentUsage | undefined;
  failure: { reason: AttemptFailureReason; detail: string } | null;
}> {
  const agent = await runBackend(o.backend, {
    worktree: ws.dir,
    prompt,
    taskId: o.taskId,
    taskKind: o.taskKind,
    attemptDir: o.attemptDir,
    ioDir: ws.io,
    homeDir: ws.home,
    isolation: o.isolation,
    network: o.network?.agent ?? false,
    timeoutMs: o.timeoutMs,
    model: o.model,
    effort: o.effort,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.extraEnv ? { extraEnv: o.extraEnv } : {}),
    ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}),
  });
  const ended = (reason: AttemptFailureReason, detail: string) => ({
    report: agent.report,
    usage: agent.usage,
    failure: { reason, detail },
  });
  if (agent.aborted || o.signal?.aborted) return ended("aborted", "stopped while the agent ran");
  if (agent.timedOut) {
    return ended("timeout", `${o.backend.name} did not finish within ${o.timeoutMs} ms`);
  }
  if (!(await o.workspaces.isIntact(ws))) {
    return ended("workspace-lost", `${o.backend.name} deleted or broke its worktree`);
  }
  if (!agent.ok) {
    const how =
      agent.spawnError !== null
        ? agent.report
        : agentFailureDetail(o.backend.name, { ...agent, sandboxed: o.isolation.sandboxed });
    return ended("agent-failed", how);
  }
  // A question instead of a change: whatever the agent left in the worktree is dropped with it.
  const question = taskQuestion(agent.report);
  if (question !== null) return ended("question", question);
  return { report: agent.report, usage: agent.usage, failure: null };
}

export async function runAttempt(o: AttemptOptions): Promise<AttemptResult> {
  const started = Date.now();
  let report = "";
  let usage: AgentUsage | undefined;
  const fail = (reason: AttemptFailureReason, detail: string): AttemptResult => ({
    ok: false,
    reason,
    detail: tail(detail),
    report,
    durationMs: Date.now() - started,
    ...(usage ? { usage } : {}),
  });
  if (o.signal?.aborted) return fail("aborted", "stopped before it started");

  const ws: Workspace = await o.workspaces.prepare(o.repo, o.branch, o.tokens, o.taskKey);
  try {
    const agent = await agentStep(o, ws, o.prompt);
    report = agent.report;
    usage = agent.usage;
    if (agent.failure) return fail(agent.failure.reason, agent.failure.detail);

    // The agent's sandbox is gone with it: its files are taken now, before verify (which runs
    // repository code too) could change them.
    let sha: string | null;
    try {
      sha = await o.workspaces.capture(ws, o.commitMessage, o.identity);
    } catch (error) {
      if (error instanceof WorkspaceError && error.code === "bad-change") {
        return fail(
          "bad-change",
          `${o.backend.name}'s change cannot be committed: ${error.message}`,
        );
      }
      throw error;
    }
    if (sha === null && o.taskKind !== "review-thread") {
      return fail("no-change", `${o.backend.name} finished without changing any file`);
    }

    const verifyTimeoutMs = o.verifyTimeoutMs ?? 10 * 60 * 1000;
    let lastVerifyOutput = "";
    const verifyOnce = async (): Promise<"ok" | AttemptFailureReason> => {
      if (!o.verify) return "ok";
      const v = await runVerify(
        o.verify,
        ws.dir,
        verifyTimeoutMs,
        o.signal,
        { isolation: o.isolation, homeDir: ws.home, network: o.network?.verify ?? false },
        { ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}) },
      );
      lastVerifyOutput =
        v.ok || v.reason !== "verify-failed" ? v.output : verifyFailureDetail(o.verify, v);
      await keepVerifyLog(o.attemptDir, o.verify, v);
      return v.ok ? "ok" : v.reason;
    };

    const verified = await verifyOnce();
    if (verified !== "ok") {
      return fail(verified, lastVerifyOutput);
    }
    if (o.signal?.aborted) return fail("aborted", "stopped before push");
    if (o.claim && !o.claim()) return fail("aborted", "another backend finished this task first");
    if (o.mayPush && !(await o.mayPush())) return fail("aborted", "the run no longer wants it");
    if (sha === null) {
      // For a review thread, "no change" is an answer: the report explains it to the reviewer.
      return {
        ok: true,
        sha: null,
        noChange: true,
        report,
        durationMs: Date.now() - started,
        rebased: false,
        othersOnBranch: [],
        ...(usage ? { usage } : {}),
      };
    }

    let reverifyFailure: AttemptFailureReason = "verify-failed";
    const pushed = await o.workspaces.push(ws, sha, o.tokens, async () => {
      const again = await verifyOnce();
      if (again !== "ok") reverifyFailure = again;
      if (again === "ok" && o.mayPush && !(await o.mayPush())) {
        reverifyFailure = "aborted";
        return false;
      }
      return again === "ok" && !o.signal?.aborted;
    });
    if (!pushed.ok) {
      if (pushed.reason === "conflict") return fail("conflict", pushed.detail);
      if (pushed.reason === "rejected") return fail("push-rejected", pushed.detail);
      if (o.signal?.aborted) return fail("aborted", "stopped while re-verifying after a rebase");
      return fail(reverifyFailure, `${pushed.detail}: ${lastVerifyOutput}`);
    }
    return {
      ok: true,
      sha: pushed.sha,
      noChange: false,
      report,
      durationMs: Date.now() - started,
      rebased: pushed.rebased,
      // A note for the status comment, not a condition of the push: a failed read says nothing.
      othersOnBranch: o.identity
        ? await o.workspaces.othersOnBranch(ws, pushed.sha, o.identity).catch(() => [])
        : [],
      ...(usage ? { usage } : {}),
    };
  } finally {
    // A folder left behind (remove failed) is deleted by the next worker start's cleanup.
    await o.workspaces.remove(ws).catch(() => undefined);
  }
}
