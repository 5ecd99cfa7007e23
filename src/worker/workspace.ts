// The worker's git: one cached clone per repository, one throwaway worktree per task attempt,
// commits under Orchestrate's identity and fast-forward-only pushes that rebase when another
// task of the group got there first. This is the only module that knows simple-git.
//
// Layout under `root`:
//   repos/<owner>/<name>.git             bare cache; remote branches under refs/remotes/origin/*
//   worktrees/<owner>/<name>/<task>-<id> one detached worktree per prepare()
//   no-hooks/                            empty core.hooksPath for every git command
//
// Every command names the remote URL explicitly and gets its config (token header included)
// through its own environment, so nothing about the remote or the token is stored in the clone.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";
import { buildGitEnv, type GitIdentity } from "./workspace/gitEnv.js";
import { withRepoLock } from "./workspace/repoLock.js";
import { scrubSecrets, tokenForms } from "./workspace/scrubSecrets.js";
import { WorkspaceError } from "./workspace/workspaceError.js";

export { WorkspaceError } from "./workspace/workspaceError.js";

export interface RepoRef {
  owner: string;
  name: string;
  cloneUrl: string;
  defaultBranch: string;
}

export interface Workspace {
  /** The worktree: the agent's working directory. */
  dir: string;
  /** The remote branch this work lands on. */
  branch: string;
  /** The commit the worktree started from (tip of origin/<branch>, or of the default branch). */
  baseSha: string;
  repo: RepoRef;
}

export interface WorkspacesOptions {
  /** Cache root, e.g. .data/workspaces. One Workspaces (one process) per root. */
  root: string;
  /** Environment git runs with (default process.env); unsafe GIT_* variables are dropped. */
  gitEnv?: NodeJS.ProcessEnv;
  /** Author and committer of every commit. */
  identity: GitIdentity;
  /** Longest a git command may go without output before it is killed. Default 10 minutes. */
  gitTimeoutMs?: number;
}

export type PushResult =
  | { ok: true; sha: string; rebased: boolean }
  | { ok: false; reason: "conflict" | "verify-failed" | "rejected"; detail: string };

/** How many times a push that lost the race is rebased and retried before giving up. */
const MAX_PUSH_ROUNDS = 5;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkBranch(branch: string): void {
  const bad =
    !/^[A-Za-z0-9._/-]+$/.test(branch) || /^[-/.]|\/$|\.\.|\/\/|\.lock$|\/\.|\.$/.test(branch);
  if (bad) {
    throw new WorkspaceError(
      "bad-input",
      `"${branch}" is not a usable branch name: use letters, digits, '.', '_', '-' and single '/' separators`,
    );
  }
}

function checkRepo(repo: RepoRef): void {
  for (const part of [repo.owner, repo.name]) {
    if (!NAME_RE.test(part) || part.includes("..")) {
      throw new WorkspaceError(
        "bad-input",
        `"${repo.owner}/${repo.name}" is not a repository name`,
      );
    }
  }
  if (repo.cloneUrl.startsWith("-") || repo.cloneUrl.trim() === "") {
    throw new WorkspaceError("bad-input", `"${repo.cloneUrl}" is not a clone URL`);
  }
  checkBranch(repo.defaultBranch);
}

const GIT_NETWORK_TRIES = 4;

export class Workspaces {
  private readonly root: string;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly identity: GitIdentity;
  private readonly gitTimeoutMs: number;
  private readonly hooksDir: string;

  constructor(o: WorkspacesOptions) {
    this.root = o.root;
    this.baseEnv = o.gitEnv ?? process.env;
    this.identity = o.identity;
    this.gitTimeoutMs = o.gitTimeoutMs ?? 10 * 60 * 1000;
    this.hooksDir = join(o.root, "no-hooks");
  }

  /**
   * A fresh worktree at the tip of origin/<branch>; when the remote has no such branch yet,
   * at the tip of the default branch (the branch is created on the remote by the first push).
   * The worktree's HEAD is detached, so any number of worktrees can work on one branch.
   */
  async prepare(
    repo: RepoRef,
    branch: string,
    token: string | null,
    taskKey: string,
  ): Promise<Workspace> {
    checkRepo(repo);
    checkBranch(branch);
    const cache = this.cacheDir(repo);
    return withRepoLock(cache, async () => {
      await this.ensureCache(repo, cache);
      await this.fetch(repo, cache, token);
      await this.run(cache, null, repo.cloneUrl, ["worktree", "prune"]);
      const base =
        (await this.remoteTip(cache, branch)) ?? (await this.remoteTip(cache, repo.defaultBranch));
      if (base === null) {
        throw new WorkspaceError(
          "bad-input",
          `${repo.owner}/${repo.name} has neither branch "${branch}" nor its default branch "${repo.defaultBranch}"`,
        );
      }
      const safeKey = taskKey.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "task";
      const dir = join(
        this.root,
        "worktrees",
        repo.owner,
        repo.name,
        `${safeKey}-${randomBytes(4).toString("hex")}`,
      );
      await mkdir(dirname(dir), { recursive: true });
      await this.run(cache, null, repo.cloneUrl, ["worktree", "add", "--detach", dir, base]);
      return { dir, branch, baseSha: base, repo };
    });
  }

  /** False when the worktree was deleted or broken (typically by the agent). */
  async isIntact(ws: Workspace): Promise<boolean> {
    if (!existsSync(join(ws.dir, ".git"))) return false;
    try {
      await this.run(ws.dir, null, ws.repo.cloneUrl, ["rev-parse", "--verify", "HEAD"]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stages everything (.gitignore respected) and commits it. Returns the new HEAD, or null
   * when HEAD is still the base commit — nothing changed. Commits the agent made itself count
   * as changes.
   */
  async commitAll(ws: Workspace, message: string): Promise<string | null> {
    const url = ws.repo.cloneUrl;
    await this.run(ws.dir, null, url, ["add", "--all"]);
    const staged = await this.run(ws.dir, null, url, ["diff", "--cached", "--name-only"]);
    if (staged.trim() !== "") {
      // The message (often a task title) goes through a file: as an argument, text such as
      // "--upload-pack" would be read as an option by simple-git's guard.
      const messageFile = join(this.root, "tmp", `${randomBytes(6).toString("hex")}.msg`);
      await mkdir(dirname(messageFile), { recursive: true });
      await writeFile(messageFile, message);
      try {
        await this.run(ws.dir, null, url, ["commit", "--no-verify", "--quiet", "-F", messageFile]);
      } finally {
        await rm(messageFile, { force: true });
      }
    }
    const head = await this.head(ws);
    return head === ws.baseSha ? null : head;
  }

  /**
   * Pushes HEAD to refs/heads/<branch> as a fast-forward (never forced). When the remote moved
   * meanwhile, fetches, rebases our commits onto the new tip, asks `reverify` and tries again,
   * a bounded number of times. A rebase conflict is aborted and reported as "conflict".
   */
  async push(
    ws: Workspace,
    token: string | null,
    reverify: () => Promise<boolean>,
  ): Promise<PushResult> {
    const url = ws.repo.cloneUrl;
    const cache = this.cacheDir(ws.repo);
    let upstream = ws.baseSha;
    let rebased = false;
    for (let round = 1; round <= MAX_PUSH_ROUNDS; round++) {
      const head = await this.head(ws);
      let failure: string;
      try {
        await this.run(ws.dir, token, url, [
          "push",
          "--porcelain",
          url,
          `HEAD:refs/heads/${ws.branch}`,
        ]);
        return { ok: true, sha: head, rebased };
      } catch (err) {
        failure = (err as Error).message;
      }

      // Find out why: if the remote branch now has commits we don't, we lost a race.
      const tip = await withRepoLock(cache, async () => {
        await this.fetch(ws.repo, cache, token);
        return this.remoteTip(cache, ws.branch);
      });
      if (tip === null || (await this.contains(ws.dir, url, head, tip))) {
        return { ok: false, reason: "rejected", detail: failure };
      }

      // What verify left in the tree is not part of the commit; it must not block the rebase.
      await this.run(ws.dir, null, url, ["reset", "--hard", "--quiet", "HEAD"]);
      await this.run(ws.dir, null, url, ["clean", "-fd", "--quiet"]);
      try {
        await this.run(ws.dir, null, url, ["rebase", "--onto", tip, upstream]);
      } catch (err) {
        await this.run(ws.dir, null, url, ["rebase", "--abort"]).catch(() => undefined);
        return {
          ok: false,
          reason: "conflict",
          detail: `rebasing onto ${ws.branch} at ${tip.slice(0, 12)} conflicted: ${(err as Error).message}`,
        };
      }
      rebased = true;
      upstream = tip;
      if (!(await reverify())) {
        return {
          ok: false,
          reason: "verify-failed",
          detail: `verify failed after rebasing onto ${ws.branch} at ${tip.slice(0, 12)}`,
        };
      }
    }
    return {
      ok: false,
      reason: "rejected",
      detail: `${ws.branch} kept moving: gave up after ${MAX_PUSH_ROUNDS} rebase-and-push rounds`,
    };
  }

  /** Removes the worktree and its bookkeeping; a directory the agent already deleted is fine. */
  async remove(ws: Workspace): Promise<void> {
    const cache = this.cacheDir(ws.repo);
    await withRepoLock(cache, async () => {
      if (existsSync(cache)) {
        await this.run(cache, null, ws.repo.cloneUrl, [
          "worktree",
          "remove",
          "--force",
          ws.dir,
        ]).catch(() => undefined);
      }
      await rm(ws.dir, { recursive: true, force: true });
      if (existsSync(cache)) await this.run(cache, null, ws.repo.cloneUrl, ["worktree", "prune"]);
    });
  }

  /**
   * Deletes every worktree under the root and prunes the caches' bookkeeping. For worker
   * start-up: worktrees of a process that died are never removed by their attempts. Call it
   * only while no attempt of this root is running.
   */
  async cleanup(): Promise<void> {
    await rm(join(this.root, "worktrees"), { recursive: true, force: true });
    await rm(join(this.root, "tmp"), { recursive: true, force: true });
    const reposDir = join(this.root, "repos");
    if (!existsSync(reposDir)) return;
    for (const owner of await readdir(reposDir)) {
      for (const entry of await readdir(join(reposDir, owner))) {
        const cache = join(reposDir, owner, entry);
        if (!entry.endsWith(".git")) {
          // A cache whose creation was interrupted (".tmp-*"): start it again next time.
          await rm(cache, { recursive: true, force: true });
          continue;
        }
        await withRepoLock(cache, () => this.run(cache, null, "", ["worktree", "prune"]));
      }
    }
  }

  /**
   * The newest commit on the remote `branch` (and not on the default branch) that has `trailer`
   * as a whole line of its message and was committed at or after `since`; null when there is
   * none. A worker taking over a crashed worker's task asks this first: what was pushed before
   * the crash is the task's result, and running the agent again would land it twice.
   */
  async findCommit(
    repo: RepoRef,
    branch: string,
    token: string | null,
    o: { trailer: string; since: Date },
  ): Promise<string | null> {
    checkRepo(repo);
    checkBranch(branch);
    const cache = this.cacheDir(repo);
    return withRepoLock(cache, async () => {
      await this.ensureCache(repo, cache);
      await this.fetch(repo, cache, token);
      const tip = await this.remoteTip(cache, branch);
      if (tip === null) return null;
      const base =
        branch === repo.defaultBranch ? null : await this.remoteTip(cache, repo.defaultBranch);
      const out = await this.run(cache, null, repo.cloneUrl, [
        "log",
        "--format=%H %ct%x1f%B%x1e",
        "--fixed-strings",
        `--grep=${o.trailer}`,
        tip,
        ...(base ? [`^${base}`] : []),
      ]);
      // Second resolution, and a second of slack: the commit and `since` come from one clock.
      const sinceSeconds = Math.floor(o.since.getTime() / 1000) - 1;
      for (const entry of out.split("\x1e")) {
        const [head = "", body = ""] = entry.trim().split("\x1f");
        const [sha, seconds] = head.split(" ");
        const lines = body.split("\n").map((l) => l.trim());
        if (sha && Number(seconds) >= sinceSeconds && lines.includes(o.trailer)) return sha;
      }
      return null;
    });
  }

  /** The remote's current commit of `branch`, or null when it has no such branch. */
  async headOf(repo: RepoRef, branch: string, token: string | null): Promise<string | null> {
    checkRepo(repo);
    checkBranch(branch);
    await mkdir(this.root, { recursive: true });
    const out = await this.run(this.root, token, repo.cloneUrl, [
      "ls-remote",
      repo.cloneUrl,
      `refs/heads/${branch}`,
    ]);
    for (const line of out.split("\n")) {
      const [sha, ref] = line.trim().split(/\s+/);
      if (ref === `refs/heads/${branch}` && sha) return sha;
    }
    return null;
  }

  private cacheDir(repo: RepoRef): string {
    return join(this.root, "repos", repo.owner, `${repo.name}.git`);
  }

  /** Creates the bare cache once; a half-made one (crash during init) is replaced. */
  private async ensureCache(repo: RepoRef, cache: string): Promise<void> {
    if (existsSync(join(cache, "HEAD")) && existsSync(join(cache, "objects"))) return;
    await rm(cache, { recursive: true, force: true });
    await mkdir(dirname(cache), { recursive: true });
    await mkdir(this.hooksDir, { recursive: true });
    const tmp = `${cache}.tmp-${randomBytes(4).toString("hex")}`;
    await this.run(dirname(cache), null, repo.cloneUrl, ["init", "--quiet", "--bare", tmp]);
    // Worktrees of several tasks share the object store: no automatic gc may prune under them.
    await this.run(tmp, null, repo.cloneUrl, ["config", "gc.auto", "0"]);
    await rename(tmp, cache);
  }

  private async fetch(repo: RepoRef, cache: string, token: string | null): Promise<void> {
    await this.run(cache, token, repo.cloneUrl, [
      "fetch",
      "--quiet",
      "--prune",
      "--no-tags",
      repo.cloneUrl,
      "+refs/heads/*:refs/remotes/origin/*",
    ]);
  }

  private async remoteTip(cache: string, branch: string): Promise<string | null> {
    const ref = `refs/remotes/origin/${branch}`;
    // for-each-ref also matches refs below a prefix, so compare the name exactly.
    const out = await this.run(cache, null, "", [
      "for-each-ref",
      "--format=%(objectname) %(refname)",
      ref,
    ]);
    for (const line of out.split("\n")) {
      const [sha, name] = line.split(" ");
      if (name === ref && sha) return sha;
    }
    return null;
  }

  private async head(ws: Workspace): Promise<string> {
    return (
      await this.run(ws.dir, null, ws.repo.cloneUrl, ["rev-parse", "--verify", "HEAD"])
    ).trim();
  }

  /** Whether `commit` is already part of `head`'s history. */
  private async contains(dir: string, url: string, head: string, commit: string): Promise<boolean> {
    const count = await this.run(dir, null, url, ["rev-list", "--count", `${head}..${commit}`]);
    return count.trim() === "0";
  }

  /**
   * Runs one git command in `dir`. The token, if any, reaches git through this command's
   * environment only; any error is rethrown as a WorkspaceError with the token scrubbed.
   */
  private async run(
    dir: string,
    token: string | null,
    url: string,
    args: string[],
  ): Promise<string> {
    // GitHub answers git over HTTPS with 5xx, or 403/429 for a secondary rate limit, at times:
    // network commands are tried again with backoff rather than costing the task an attempt.
    // A push that did land before its answer was lost is a no-op the second time.
    const network = args[0] === "fetch" || args[0] === "push" || args[0] === "ls-remote";
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(dir, token, url, args);
      } catch (error) {
        const transient =
          /returned error: (5\d\d|403|429)|RPC failed|early EOF|Connection (refused|reset)/i;
        if (!network || attempt >= GIT_NETWORK_TRIES || !transient.test((error as Error).message))
          throw error;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  private async runOnce(
    dir: string,
    token: string | null,
    url: string,
    args: string[],
  ): Promise<string> {
    const { env, allowEnvironment } = buildGitEnv(this.baseEnv, {
      identity: this.identity,
      hooksDir: this.hooksDir,
      token,
      url,
    });
    let git: SimpleGit;
    try {
      git = simpleGit({
        baseDir: dir,
        allowEnvironment,
        // These categories are only ever set by buildGitEnv (never from task input).
        unsafe: {
          allowUnsafeConfigEnvCount: true,
          allowUnsafeConfigPaths: true,
          allowUnsafeHooksPath: true,
          allowUnsafeFsMonitor: true,
          allowUnsafeCredentialHelper: true,
          allowUnsafeAskPass: true,
        },
        timeout: { block: this.gitTimeoutMs },
        // Any non-zero exit is an error (simple-git's default ignores one without stderr), and
        // its message carries stdout too: push and rebase explain themselves there.
        errors: (error, result) =>
          result.exitCode === 0 ? error : Buffer.concat([...result.stdOut, ...result.stdErr]),
      }).env(env);
      return await git.raw(args);
    } catch (err) {
      const secrets = tokenForms(token);
      const detail = scrubSecrets(err instanceof Error ? err.message : String(err), secrets).trim();
      throw new WorkspaceError("git-failed", `git ${args[0]} failed: ${detail || "no output"}`);
    }
  }
}
