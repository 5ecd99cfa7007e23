// The task's verify command (from .github/orchestrate.yml): the repository's own definition of
// "this change works". It runs repository code, so it runs like an agent: the same scrubbed
// environment, the same sandbox, its own process group.

import type { Isolation } from "./isolation/isolation.js";
import { runCommand } from "./runCommand.js";
import { scrubbedEnv } from "./scrubbedEnv.js";

export type VerifyResult =
  | { ok: true; output: string; exitCode: 0; durationMs: number }
  | {
      ok: false;
      /**
       * verify-failed: the command ran and failed (or timed out) — feedback for the agent.
       * verify-missing: the shell could not find the command (exit 127) — a configuration
       * error no agent can fix. aborted: stopped through the signal.
       */
      reason: "verify-failed" | "verify-missing" | "aborted";
      output: string;
      exitCode: number | null;
      timedOut: boolean;
      durationMs: number;
    };

const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Runs `cmd` through `sh -c` in `cwd`. `CI=true` is set (unless the environment has CI) because
 * test runners then skip watch mode and interactive prompts.
 */
export interface VerifySandbox {
  isolation: Isolation;
  /** HOME of the command, writable (the attempt's agent HOME). */
  homeDir: string;
  network?: boolean;
}

export async function runVerify(
  cmd: string,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  sandbox: VerifySandbox,
  options: { killGraceMs?: number } = {},
): Promise<VerifyResult> {
  const env = scrubbedEnv(process.env);
  env["CI"] ??= "true";
  env["HOME"] = sandbox.homeDir;
  const wrapped = sandbox.isolation.wrap({
    argv: ["sh", "-c", cmd],
    cwd,
    env,
    writable: [cwd, sandbox.homeDir],
    readOnly: [],
    network: sandbox.network ?? false,
  });
  const r = await runCommand({
    argv: wrapped.argv,
    cwd,
    env: wrapped.env,
    timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    ...(signal ? { signal } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
  });
  if (!r.aborted && !r.timedOut && r.exitCode === 0) {
    return { ok: true, output: r.output, exitCode: 0, durationMs: r.durationMs };
  }
  const base = {
    ok: false as const,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    durationMs: r.durationMs,
  };
  if (r.aborted) return { ...base, reason: "aborted", output: r.output };
  if (r.spawnError !== null) {
    // sh itself is missing or cwd is gone: nothing the agent could fix either.
    return { ...base, reason: "verify-missing", output: `could not run sh: ${r.spawnError}` };
  }
  if (r.timedOut) {
    return {
      ...base,
      reason: "verify-failed",
      output: `${r.output}\n[verify timed out after ${timeoutMs} ms and was stopped]`,
    };
  }
  if (r.exitCode === 127) {
    return {
      ...base,
      reason: "verify-missing",
      output: `the verify command \`${cmd}\` could not be found (exit 127); check the verify setting in .github/orchestrate.yml and that the tool is installed on the worker.\n${r.output}`,
    };
  }
  return { ...base, reason: "verify-failed", output: r.output };
}
