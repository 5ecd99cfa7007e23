import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type AttemptOptions, runAttempt } from "../../src/worker/attempt.js";
import type { BackendConfig } from "../../src/worker/backendConfig.js";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { fixedToken, Workspaces } from "../../src/worker/workspace.js";
import {
  agent,
  filesContaining,
  git,
  hostPidsWithEnv,
  identity,
  makeRemote,
  type Remote,
  remoteBranch,
  removeTempDirs,
  tempDir,
} from "./gitFixtures.js";

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

const TOKEN = "ghs_AttemptTestToken9876543210zyxwvu";
const TOKEN_B64 = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
const BRANCH = "orchestrate/9-core";

const backend = (file: string): BackendConfig => ({
  name: file.replace(".mjs", ""),
  command: [agent(file)],
  promptVia: "stdin",
});

afterAll(removeTempDirs);

let base: string;
let remote: Remote;
let root: string;
let workspaces: Workspaces;
/** Shared with every agent's sandbox: the test and its agents meet here, nowhere else. */
let shared: string;
beforeEach(() => {
  shared = tempDir("orchestrate-shared-");
  base = tempDir();
  remote = makeRemote(base);
  root = join(base, "workspaces");
  workspaces = new Workspaces({ root, identity });
});

function options(taskId: string, overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  return {
    workspaces,
    repo: remote.repo,
    branch: BRANCH,
    tokens: fixedToken(TOKEN),
    isolation: bwrapIsolation({ shared: [shared] }),
    taskKey: `9-${taskId}-a1`,
    backend: backend("edit-agent.mjs"),
    prompt: `# Work order for ${taskId}`,
    taskId,
    taskKind: "implement",
    attemptDir: join(base, "logs", taskId),
    timeoutMs: 60_000,
    commitMessage: `Task ${taskId}`,
    killGraceMs: 200,
    ...overrides,
  };
}

/** No attempt folder is left behind by an attempt, whatever its outcome. */
function worktreesLeft(): string[] {
  const dir = join(root, "attempts", "acme", "widgets");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("runAttempt", () => {
  it("runs the agent, verifies, commits and pushes, then removes its folders", async () => {
    const r = await runAttempt(options("t1", { verify: "test -f t1.txt" }));
    expect(r).toMatchObject({ ok: true, noChange: false, rebased: false });
    expect(r.ok && r.sha).toBe(remoteBranch(remote, BRANCH));
    expect(git(remote.dir, "show", `${BRANCH}:t1.txt`)).toBe("done by t1");
    expect(git(remote.dir, "log", "-1", "--format=%s", BRANCH)).toBe("Task t1");
    expect(r.report).toBe(
      'Appended "done by t1" to t1.txt. The work order began with: # Work order for t1',
    );
    const attemptDir = join(base, "logs", "t1");
    expect(readFileSync(join(attemptDir, "prompt.md"), "utf8")).toBe("# Work order for t1");
    expect(readFileSync(join(attemptDir, "agent.log"), "utf8")).toContain("edit-agent: done");
    expect(readFileSync(join(attemptDir, "report.md"), "utf8")).toBe(`${r.report}\n`);
    expect(worktreesLeft()).toEqual([]);
  });

  it("reports a failing agent and pushes nothing", async () => {
    const r = await runAttempt(options("t1", { backend: backend("fail-agent.mjs") }));
    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toContain("exited with 1");
    expect(!r.ok && r.detail).toContain("fail-agent: something broke");
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    expect(worktreesLeft()).toEqual([]);
  });

  it("fails verify without pushing and hands back the verify output for the next prompt", async () => {
    const r = await runAttempt(
      options("t1", { verify: "echo 'test suite: 1 failed (limiter.test.ts)' >&2; exit 1" }),
    );
    expect(r).toMatchObject({ ok: false, reason: "verify-failed" });
    expect(!r.ok && r.detail).toContain("test suite: 1 failed (limiter.test.ts)");
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    expect(worktreesLeft()).toEqual([]);
  });

  it("tells a missing verify command apart from a failing one", async () => {
    const r = await runAttempt(options("t1", { verify: "orchestrate-no-such-check" }));
    expect(r).toMatchObject({ ok: false, reason: "verify-missing" });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("ends a hanging agent as a timeout and kills everything it started", async () => {
    const pidFile = join(shared, "hang.pids");
    const r = await runAttempt(
      options("t1", {
        backend: backend("hang-agent.mjs"),
        extraEnv: { HANG_AGENT_PID_FILE: pidFile },
        timeoutMs: 3_000,
      }),
    );
    expect(r).toMatchObject({ ok: false, reason: "timeout" });
    expect(readFileSync(pidFile, "utf8")).toMatch(/^\d+ \d+\n$/);
    await vi.waitFor(() => expect(hostPidsWithEnv("HANG_AGENT_PID_FILE", pidFile)).toEqual([]), {
      timeout: 10_000,
    });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    expect(worktreesLeft()).toEqual([]);
  });

  it("stops when aborted, killing the agent and everything it started", async () => {
    const pidFile = join(shared, "abort.pids");
    const controller = new AbortController();
    const run = runAttempt(
      options("t1", {
        backend: backend("hang-agent.mjs"),
        extraEnv: { HANG_AGENT_PID_FILE: pidFile },
        signal: controller.signal,
      }),
    );
    await vi.waitFor(() => expect(readFileSync(pidFile, "utf8")).toMatch(/^\d+ \d+\n$/), {
      timeout: 20_000,
    });
    // Both the agent and its grandchild, seen from the host.
    expect(hostPidsWithEnv("HANG_AGENT_PID_FILE", pidFile).length).toBeGreaterThanOrEqual(2);
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ ok: false, reason: "aborted" });
    await vi.waitFor(() => expect(hostPidsWithEnv("HANG_AGENT_PID_FILE", pidFile)).toEqual([]), {
      timeout: 10_000,
    });
    expect(worktreesLeft()).toEqual([]);
  });

  it("reports an agent that deleted its worktree as workspace-lost", async () => {
    const r = await runAttempt(options("t1", { backend: backend("delete-agent.mjs") }));
    expect(r).toMatchObject({ ok: false, reason: "workspace-lost" });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    expect(worktreesLeft()).toEqual([]);
  });

  it("fails an implement task whose agent changed nothing", async () => {
    const r = await runAttempt(options("t1", { backend: backend("noop-agent.mjs") }));
    expect(r).toMatchObject({ ok: false, reason: "no-change" });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("ends with the agent's question instead of a change: nothing is committed or pushed", async () => {
    const r = await runAttempt(
      options("t1", { backend: backend("question-agent.mjs"), verify: "exit 1" }),
    );
    expect(r).toMatchObject({
      ok: false,
      reason: "question",
      detail: "Which colour should the button be?\nAsk @octocat if unsure; this closes #1.",
    });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    expect(worktreesLeft()).toEqual([]);
  });

  it("accepts no change on a review thread as an explained answer", async () => {
    const r = await runAttempt(
      options("rt-1", { backend: backend("noop-agent.mjs"), taskKind: "review-thread" }),
    );
    expect(r).toMatchObject({ ok: true, sha: null, noChange: true });
    expect(r.report).toMatch(/^NO CHANGE: /);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("does not push when another racer claimed the task first", async () => {
    const r = await runAttempt(options("t1", { claim: () => false }));
    expect(r).toMatchObject({ ok: false, reason: "aborted" });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  /** Starts attempt B, lets A run to completion and push, then lets B go on. */
  async function raceOnOneBranch(aFile: string, bFile: string) {
    const ready = join(shared, "b.ready");
    const go = join(shared, "b.go");
    const bRun = runAttempt(
      options("t2", {
        extraEnv: { EDIT_AGENT_READY: ready, EDIT_AGENT_WAIT_FOR: go, EDIT_AGENT_FILE: bFile },
        verify: `test -f ${bFile}`,
      }),
    );
    await vi.waitFor(() => expect(existsSync(ready)).toBe(true), { timeout: 20_000 });
    const a = await runAttempt(options("t1", { extraEnv: { EDIT_AGENT_FILE: aFile } }));
    writeFileSync(go, "go\n");
    return { a, b: await bRun };
  }

  it("rebases onto a sibling task that pushed first and pushes both", async () => {
    const { a, b } = await raceOnOneBranch("a.txt", "b.txt");
    expect(a).toMatchObject({ ok: true, rebased: false });
    expect(b).toMatchObject({ ok: true, rebased: true });
    const tip = remoteBranch(remote, BRANCH);
    expect(b.ok && b.sha).toBe(tip);
    expect(git(remote.dir, "rev-parse", `${tip}^`)).toBe(a.ok ? a.sha : "");
    expect(git(remote.dir, "show", `${BRANCH}:a.txt`)).toBe("done by t1");
    expect(git(remote.dir, "show", `${BRANCH}:b.txt`)).toBe("done by t2");
    expect(worktreesLeft()).toEqual([]);
  });

  it("reports a conflict with a sibling task so it can be re-run on the new tip", async () => {
    const { a, b } = await raceOnOneBranch("shared.txt", "shared.txt");
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: false, reason: "conflict" });
    expect(remoteBranch(remote, BRANCH)).toBe(a.ok ? a.sha : "");
    expect(worktreesLeft()).toEqual([]);
  });

  it("never lets the token reach the agent, the cache, the agent's folders or the logs", async () => {
    const r = await runAttempt(
      options("t1", {
        backend: backend("env-agent.mjs"),
        extraEnv: { ENV_AGENT_DUMP_DIR: shared },
      }),
    );
    // env-agent changes nothing, so this is a no-change failure; what matters is what it saw.
    expect(r).toMatchObject({ ok: false, reason: "no-change" });
    const dump = readFileSync(join(shared, "env-dump.json"), "utf8");
    expect(dump).toContain("ORCHESTRATE_TASK_ID");
    expect(filesContaining(base, [TOKEN, TOKEN_B64])).toEqual([]);
    expect(filesContaining(shared, [TOKEN, TOKEN_B64])).toEqual([]);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});
