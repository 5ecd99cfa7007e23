// One attempt at a `catch-up` or `conflict` task: the group's branch brought up to date with its
// moved base, never force-pushed.
// prepare the branch → merge the base (files with conflict markers where git could not) → if
// something conflicted, the agent resolves it → refuse leftover markers → commit the merge (two
// parents: the branch's tip and the base's) → verify → push as a fast-forward.

import {
  type AttemptFailureReason,
  type AttemptOptions,
  type AttemptResult,
  agentStep,
  tail,
} from "./attempt.js";
import type { AgentUsage } from "./backendConfig.js";
import { keepVerifyLog } from "./keepVerifyLog.js";
import { runVerify } from "./verify.js";
import { verifyFailureDetail } from "./verifyFailureDetail.js";
import { type BaseMerge, type Workspace, WorkspaceError } from "./workspace.js";

export interface CatchUpOptions extends Omit<AttemptOptions, "prompt"> {
  /** the branch the group's PR is based on */
  base: string;
  /** `rebase`: the group's commits replayed onto the base, when they can be; else a merge */
  update?: "merge" | "rebase" | undefined;
  /** the agent's work order, given the conflicting files and their hunks */
  workOrder(conflicts: Array<{ path: string; hunks: string }>): string;
}

const HUNK_CHARS = 4_000;

export async function runCatchUp(o: CatchUpOptions): Promise<AttemptResult> {
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
  const ws = await o.workspaces.prepare(o.repo, o.branch, o.tokens, o.taskKey);
  try {
    let fallback = "";
    if (o.update === "rebase") {
      const rebased = await rebase(o, ws);
      if (typeof rebased !== "string") return { ...rebased, durationMs: Date.now() - started };
      fallback = ` (${rebased})`;
    }
    let merge: BaseMerge;
    try {
      merge = await o.workspaces.mergeBase(ws, o.base);
    } catch (error) {
      if (error instanceof WorkspaceError && error.code === "bad-input") {
        return fail("conflict", error.message);
      }
      throw error;
    }
    if (merge.upToDate) {
      return {
        ok: true,
        sha: null,
        noChange: true,
        report: `${o.branch} already holds ${o.base}: nothing to merge`,
        durationMs: Date.now() - started,
        rebased: false,
        othersOnBranch: [],
      };
    }
    if (merge.conflicts.length > 0) {
      const files = await Promise.all(
        merge.conflicts.map(async (path) => ({
          path,
          hunks: conflictHunks(await o.workspaces.fileAt(ws, merge.tree, path, 200_000)),
        })),
      );
      const agent = await agentStep(o, ws, o.workOrder(files));
      report = agent.report;
      usage = agent.usage;
      if (agent.failure) return fail(agent.failure.reason, agent.failure.detail);
    } else {
      report = `merged ${o.base} at ${merge.baseTip.slice(0, 12)} without conflicts${fallback}`;
    }
    let sha: string;
    try {
      sha = await o.workspaces.captureMerge(ws, merge, o.commitMessage, o.identity);
    } catch (error) {
      if (error instanceof WorkspaceError && error.code === "bad-change") {
        return fail("bad-change", `the merge cannot be committed: ${error.message}`);
      }
      throw error;
    }
    if (o.verify) {
      const v = await runVerify(
        o.verify,
        ws.dir,
        o.verifyTimeoutMs ?? 10 * 60 * 1000,
        o.signal,
        { isolation: o.isolation, homeDir: ws.home, network: o.network?.verify ?? false },
        { ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}) },
      );
      await keepVerifyLog(o.attemptDir, o.verify, v);
      if (!v.ok) {
        return fail(
          v.reason,
          v.reason === "verify-failed" ? verifyFailureDetail(o.verify, v) : v.output,
        );
      }
    }
    if (o.signal?.aborted) return fail("aborted", "stopped before push");
    if (o.claim && !o.claim()) return fail("aborted", "another backend finished this task first");
    if (o.mayPush && !(await o.mayPush())) return fail("aborted", "the run no longer wants it");
    const pushed = await o.workspaces.push(ws, sha, o.tokens, async () => false, false);
    if (!pushed.ok) return fail("push-rejected", pushed.detail);
    return {
      ok: true,
      sha: pushed.sha,
      noChange: false,
      report,
      durationMs: Date.now() - started,
      rebased: false,
      othersOnBranch: [],
      ...(usage ? { usage } : {}),
    };
  } finally {
    await o.workspaces.remove(ws).catch(() => undefined);
  }
}

/**
 * The rebase of `update: rebase`, verified and pushed with a lease; or, as a string, why the
 * base is merged instead: someone else's commits are on the branch (never rewritten), the
 * series does not replay cleanly, or the branch moved since it was read.
 */
async function rebase(o: CatchUpOptions, ws: Workspace): Promise<AttemptResult | string> {
  const others = o.identity
    ? await o.workspaces.othersOnBranch(ws, ws.baseSha, o.identity).catch(() => ["unknown"])
    : [];
  if (others.length > 0) return `merged, not rebased: ${others.join(", ")} pushed to the branch`;
  const rebased = await o.workspaces.rebaseOnto(ws, o.base);
  if (rebased === null) return "merged, not rebased: the branch's commits do not replay cleanly";
  if (rebased === "up-to-date") {
    return {
      ok: true,
      sha: null,
      noChange: true,
      report: `${o.branch} already holds ${o.base}`,
      rebased: false,
      othersOnBranch: [],
      durationMs: 0,
    };
  }
  if (o.verify) {
    const v = await runVerify(
      o.verify,
      ws.dir,
      o.verifyTimeoutMs ?? 10 * 60 * 1000,
      o.signal,
      { isolation: o.isolation, homeDir: ws.home, network: o.network?.verify ?? false },
      { ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}) },
    );
    await keepVerifyLog(o.attemptDir, o.verify, v);
    if (!v.ok) {
      const detail = v.reason === "verify-failed" ? verifyFailureDetail(o.verify, v) : v.output;
      return { ok: false, reason: v.reason, detail, report: "", durationMs: 0 };
    }
  }
  if (o.signal?.aborted || (o.claim && !o.claim()) || (o.mayPush && !(await o.mayPush()))) {
    return {
      ok: false,
      reason: "aborted",
      detail: "stopped before push",
      report: "",
      durationMs: 0,
    };
  }
  if (!(await o.workspaces.pushRewritten(ws, rebased.sha, o.tokens, ws.baseSha))) {
    return `merged, not rebased: ${o.branch} moved while it was rebased`;
  }
  return {
    ok: true,
    sha: rebased.sha,
    noChange: false,
    report: `rebased ${o.branch} onto ${o.base}`,
    rebased: true,
    rewritten: rebased.rewritten,
    othersOnBranch: [],
    durationMs: 0,
  };
}

/** The conflict blocks of a merged file (markers included), bounded: both sides of each. */
export function conflictHunks(text: string): string {
  const blocks: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split("\n")) {
    if (/^<{7}( |$)/.test(line)) current = [];
    if (current) current.push(line);
    if (current && /^>{7}( |$)/.test(line)) {
      blocks.push(current.join("\n"));
      current = null;
    }
  }
  const joined = blocks.join("\n\n…\n\n");
  return joined.length <= HUNK_CHARS ? joined : `${joined.slice(0, HUNK_CHARS)}\n[…]`;
}
