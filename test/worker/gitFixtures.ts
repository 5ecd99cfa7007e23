// Throwaway git remotes for the worker tests: a bare repository with `main` seeded, reached by
// path like any clone URL. Tests read results straight from it with the git CLI.

import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RepoRef } from "../../src/worker/workspace.js";

export const identity = { name: "Orchestrate Test", email: "orchestrate@example.test" };
export const agentsDir = fileURLToPath(new URL("../agents/", import.meta.url));
export const agent = (file: string): string => join(agentsDir, file);

const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Seed",
  GIT_AUTHOR_EMAIL: "seed@example.test",
  GIT_COMMITTER_NAME: "Seed",
  GIT_COMMITTER_EMAIL: "seed@example.test",
});

/** Runs git and returns its trimmed stdout; throws on a non-zero exit. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: gitEnv(), encoding: "utf8" }).trim();
}

/** Exit code of a git command (for --is-ancestor style questions). */
export function gitStatus(cwd: string, ...args: string[]): number {
  try {
    execFileSync("git", args, { cwd, env: gitEnv(), stdio: "ignore" });
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

const created: string[] = [];

/** A fresh directory under the OS temp dir; removed by {@link removeTempDirs}. */
export function tempDir(prefix = "orchestrate-worker-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

/** For afterAll: deletes every directory tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Remote {
  /** The bare repository's path (also its clone URL). */
  dir: string;
  repo: RepoRef;
  mainSha: string;
}

/**
 * A bare remote with one commit on main (README.md and shared.txt). Force pushes are refused,
 * like a protected branch, so a test cannot pass by overwriting.
 */
export function makeRemote(base: string, name = "widgets"): Remote {
  const dir = join(base, `${name}.git`);
  git(base, "init", "--quiet", "--bare", "--initial-branch=main", dir);
  git(dir, "config", "receive.denyNonFastForwards", "true");
  const seed = join(base, `${name}-seed`);
  git(base, "init", "--quiet", "--initial-branch=main", seed);
  execFileSync(
    "sh",
    ["-c", "printf '# widgets\\n' > README.md && printf 'line 1\\n' > shared.txt"],
    {
      cwd: seed,
    },
  );
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", "seed");
  git(seed, "push", "--quiet", dir, "HEAD:refs/heads/main");
  return {
    dir,
    repo: { owner: "acme", name, cloneUrl: dir, defaultBranch: "main" },
    mainSha: git(dir, "rev-parse", "main"),
  };
}

/** The remote's commit of `branch`, or null when the branch does not exist. */
export function remoteBranch(remote: Remote, branch: string): string | null {
  try {
    return git(remote.dir, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`);
  } catch {
    return null;
  }
}

/** Every file below `dir` (following no links) whose bytes contain any of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  if (!existsSync(dir)) return hits;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && statSync(p).size < 50 * 1024 * 1024) {
        const bytes = readFileSync(p);
        if (needles.some((n) => bytes.includes(n))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 3 (after the parenthesised command name) is the state; Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/**
 * Host pids of the processes whose environment has `name=value`. Agents run in a PID namespace
 * of their own, so the pids they see are not the host's: a test finds them by what they carry.
 */
export function hostPidsWithEnv(name: string, value: string): number[] {
  const wanted = Buffer.from(`${name}=${value}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`);
      if (environ.includes(wanted) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
