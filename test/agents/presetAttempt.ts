// The attempt a preset test runs: the real worker attempt (runAttempt) of one task with the
// preset's real CLI, in the sandbox, on a branch of a real git remote. Only what a test varies
// is passed; `overrides` change anything else.
import { join } from "node:path";
import type { AttemptOptions } from "../../src/worker/attempt.js";
import type { BackendConfig } from "../../src/worker/backendConfig.js";
import type { Isolation } from "../../src/worker/isolation/isolation.js";
import { fixedToken, Workspaces } from "../../src/worker/workspace.js";
import { identity, makeRemote, type Remote, tempDir } from "../worker/gitFixtures.js";

export function presetAttempt(
  o: {
    backend: BackendConfig;
    /** the test's temporary folder: workspaces and logs go under it */
    base: string;
    remote: Remote;
    isolation: Isolation;
    branch: string;
    verify: string;
    taskId: string;
    /** the issue number in the task's key, for the worktree's name */
    issue: number;
  },
  overrides: Partial<AttemptOptions> = {},
): AttemptOptions {
  return {
    workspaces: new Workspaces({ root: join(o.base, "workspaces"), identity }),
    repo: o.remote.repo,
    branch: o.branch,
    tokens: fixedToken("ghs_PresetTestToken0123456789abcdefgh"),
    isolation: o.isolation,
    network: { agent: true, verify: false },
    taskKey: `${o.issue}-${o.taskId}-a1`,
    backend: o.backend,
    prompt: `# Work order for ${o.taskId}\n\nCreate hello.txt. Verify with: ${o.verify}\n`,
    verify: o.verify,
    taskId: o.taskId,
    taskKind: "implement",
    attemptDir: join(o.base, "logs", o.taskId),
    timeoutMs: 120_000,
    commitMessage: `Task ${o.taskId}`,
    killGraceMs: 500,
    ...overrides,
  };
}

type PresetTest = Omit<Parameters<typeof presetAttempt>[0], "base" | "remote" | "taskId">;

/**
 * A model-API stand-in, a remote and an environment of the test's own (the environment given
 * to the agent, not this process's), so failure cases can run side by side. The stand-in is
 * closed when the test ends.
 */
export async function ownAttempt<S extends { close(): Promise<void> }>(
  o: PresetTest & { standIn: () => Promise<S>; env: (s: S) => Record<string, string> },
  onTestFinished: (fn: () => Promise<void>) => void,
) {
  const { standIn, env, ...preset } = o;
  const base = tempDir(`orchestrate-${o.backend.name}-`);
  const remote = makeRemote(base);
  const s = await standIn();
  onTestFinished(() => s.close());
  const extraEnv = env(s);
  return {
    s,
    dir: base,
    remote,
    options: (taskId: string, overrides: Partial<AttemptOptions> = {}) =>
      presetAttempt({ ...preset, base, remote, taskId }, { extraEnv, ...overrides }),
  };
}
