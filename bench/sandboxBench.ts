import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAttempt } from "../src/worker/attempt.js";
import type { BackendConfig } from "../src/worker/backendConfig.js";
import { bwrapIsolation } from "../src/worker/isolation/bwrapIsolation.js";
import { type Isolation, noIsolation } from "../src/worker/isolation/isolation.js";
import { runVerify } from "../src/worker/verify.js";
import { fixedToken, Workspaces } from "../src/worker/workspace.js";
import { median, round } from "./stats.js";

export const SANDBOX = { runs: 21, warmup: 3 };

const AGENT: BackendConfig = {
  name: "sh",
  command: [
    "sh",
    "-c",
    'echo "work" >> "$ORCHESTRATE_TASK_ID.txt"; echo done > "$ORCHESTRATE_OUTPUT_FILE"',
  ],
  promptVia: "stdin",
};

/**
 * What the agent sandbox costs a task: whole attempts (prepare the agent's repository, run a
 * trivial agent, take its files as a commit, verify `true`, push to a local bare remote) with
 * bubblewrap and without, alternated run by run so load affects both alike; and the verify
 * command alone. Medians, ms; `added` is bubblewrap's median minus the unsandboxed one.
 */
export async function sandboxBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-sandbox-"));
  try {
    const remote = join(dir, "remote.git");
    const seed = join(dir, "seed");
    const git = (cwd: string, ...args: string[]) =>
      execFileSync("git", args, {
        cwd,
        env: {
          ...process.env,
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_AUTHOR_NAME: "b",
          GIT_AUTHOR_EMAIL: "b@example.test",
          GIT_COMMITTER_NAME: "b",
          GIT_COMMITTER_EMAIL: "b@example.test",
        },
      });
    git(dir, "init", "--quiet", "--bare", "--initial-branch=main", remote);
    git(dir, "init", "--quiet", "--initial-branch=main", seed);
    writeFileSync(join(seed, "README.md"), "# bench\n");
    git(seed, "add", "-A");
    git(seed, "commit", "--quiet", "-m", "seed");
    git(seed, "push", "--quiet", remote, "HEAD:refs/heads/main");

    const workspaces = new Workspaces({
      root: join(dir, "workspaces"),
      identity: { name: "bench", email: "bench@example.test" },
    });
    const repo = { owner: "bench", name: "repo", cloneUrl: remote, defaultBranch: "main" };
    const isolations: Record<string, Isolation> = { none: noIsolation, bwrap: bwrapIsolation() };
    const attempt = { none: [] as number[], bwrap: [] as number[] };
    const verify = { none: [] as number[], bwrap: [] as number[] };
    let n = 0;
    for (let run = 0; run < SANDBOX.warmup + SANDBOX.runs; run++) {
      for (const kind of ["none", "bwrap"] as const) {
        n += 1;
        const started = performance.now();
        const r = await runAttempt({
          workspaces,
          repo,
          branch: `bench/${kind}-${n}`,
          tokens: fixedToken(null),
          isolation: isolations[kind]!,
          taskKey: `t${n}`,
          backend: AGENT,
          prompt: "bench",
          verify: "true",
          taskId: `t${n}`,
          taskKind: "implement",
          attemptDir: join(dir, "logs", String(n)),
          timeoutMs: 60_000,
          commitMessage: `t${n}`,
        });
        const ms = performance.now() - started;
        if (!r.ok) throw new Error(`bench attempt failed: ${r.reason} ${r.detail}`);
        const home = mkdtempSync(join(dir, "home-"));
        const v0 = performance.now();
        await runVerify("true", home, 60_000, undefined, {
          isolation: isolations[kind]!,
          homeDir: home,
        });
        const vms = performance.now() - v0;
        if (run >= SANDBOX.warmup) {
          attempt[kind].push(ms);
          verify[kind].push(vms);
        }
      }
    }
    const m = (values: number[]) => round(median(values), 1);
    return {
      "attempt.none.ms": m(attempt.none),
      "attempt.bwrap.ms": m(attempt.bwrap),
      "attempt.added.ms": round(m(attempt.bwrap) - m(attempt.none), 1),
      "verify.none.ms": m(verify.none),
      "verify.bwrap.ms": m(verify.bwrap),
      "verify.added.ms": round(m(verify.bwrap) - m(verify.none), 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
