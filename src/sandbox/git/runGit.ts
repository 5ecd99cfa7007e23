import { spawn } from "node:child_process";

// Every git command the sandbox runs goes through here, isolated from the machine's git config
// so a developer's ~/.gitconfig cannot change what the sandbox does.

export interface GitIdentity {
  name: string;
  email: string;
}

export const SANDBOX_IDENTITY: GitIdentity = { name: "GitHub", email: "noreply@github.com" };

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed (${code}): ${stderr.trim()}`);
    this.name = "GitError";
  }
}

export function gitEnv(extra: Record<string, string> = {}, identity = SANDBOX_IDENTITY) {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? "/tmp",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    ...extra,
  };
}

export interface GitRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Runs git in `gitDir`; rejects on a non-zero exit unless `okCodes` lists it. */
export function runGit(
  gitDir: string,
  args: string[],
  o: {
    input?: string | Buffer;
    env?: Record<string, string>;
    okCodes?: number[];
    identity?: GitIdentity;
  } = {},
): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["--git-dir", gitDir, ...args], {
      env: gitEnv(o.env, o.identity),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      const run = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code };
      if (code === 0 || (code !== null && o.okCodes?.includes(code))) resolve(run);
      else reject(new GitError(args, code, run.stderr));
    });
    child.stdin.on("error", () => {
      // git may exit before reading all input (e.g. a failed command); the exit code says why
    });
    child.stdin.end(o.input ?? "");
  });
}

export async function gitText(gitDir: string, args: string[], o?: Parameters<typeof runGit>[2]) {
  return (await runGit(gitDir, args, o)).stdout.toString("utf8");
}
