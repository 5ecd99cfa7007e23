// The worker's git: one cached bare clone per repository, one throwaway repository per task
// attempt for the agent, commits under the App's identity and fast-forward-only pushes of one
// ref that rebase when another task of the group got there first. This is the only module that
// knows simple-git.
//
// Layout under `root`:
//   repos/<owner>/<name>.git                  bare cache, the worker's alone
//   attempts/<owner>/<name>/<task>-<id>/work  the agent's repository (its own .git)
//                                       /home the agent's HOME
//                                       /io   the work order and the agent's report
//                                       /index, /msg  the worker's, never shown to the agent
//   no-hooks/, git-home/                      empty core.hooksPath and HOME for the worker's git
//
// The agent only ever sees work/, home/ and io/ (through the sandbox). Its result is taken as
// files: the worker reads work/ with its own repository (GIT_DIR = the cache) and its own
// index, so nothing the agent writes in work/.git, in hooks, attributes' filters, includes or
// HOME changes what the worker commits, fetches or pushes. The worker runs no git in a directory
// the agent could write while the agent can still run.

import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type SimpleGit, simpleGit } from "simple-git";
import { buildGitEnv, type GitIdentity } from "./workspace/gitEnv.js";
import type { GitAccess, GitTokens } from "./workspace/gitTokens.js";
import { withRepoLock } from "./workspace/repoLock.js";
import { scrubSecrets, tokenForms } from "./workspace/scrubSecrets.js";
import { WorkspaceError } from "./workspace/workspaceError.js";

export { fixedToken, type GitToken, type GitTokens } from "./workspace/gitTokens.js";
export { WorkspaceError } from "./workspace/workspaceError.js";

export interface RepoRef {
  owner: string;
  name: string;
  cloneUrl: string;
  defaultBranch: string;
}

export interface Workspace {
  /** The agent's working directory: its own repository, checked out at the base commit. */
  dir: string;
  /** The agent's HOME. */
  home: string;
  /** Where the work order and the agent's report are exchanged. */
  io: string;
  /** The remote branch this work lands on. */
  branch: string;
  /** The commit the work started from (tip of origin/<branch>, or of the default branch). */
  baseSha: string;
  repo: RepoRef;
  /** The attempt's folder (the worker's own files live here beside the agent's). */
  root: string;
}

export interface WorkspacesOptions {
  /** Cache root, e.g. .data/workspaces. One Workspaces (one process) per root. */
  root: string;
  /** Environment git runs with (default process.env); unsafe GIT_* variables are dropped. */
  gitEnv?: NodeJS.ProcessEnv;
  /** Author and committer of every commit, unless a commit names its own. */
  identity: GitIdentity;
  /** Longest a git command may go without output before it is killed. Default 10 minutes. */
  gitTimeoutMs?: number;
}

/** The base merged into a workspace's branch (see mergeBase). */
export type BaseMerge =
  | { upToDate: true }
  | {
      upToDate: false;
      /** the base's tip: the merge commit's second parent */
      baseTip: string;
      /** the merged tree, conflict markers included */
      tree: string;
      /** files left with conflict markers, for the agent to resolve */
      conflicts: string[];
    };

export type PushResult =
  | { ok: true; sha: string; rebased: boolean }
  | { ok: false; reason: "conflict" | "verify-failed" | "rejected"; detail: string };

/** How many times a push that lost the race is rebased and retried before giving up. */
const MAX_PUSH_ROUNDS = 5;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const GIT_NETWORK_TRIES = 4;

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

interface GitCall {
  /** GIT_DIR; null for commands that take no repository. */
  gitDir: string | null;
  workTree?: string;
  indexFile?: string;
  /** exit codes that are answers, not failures (merge-tree's 1: conflicts) */
  okExit?: number[];
  /** For network commands: the token access they need. */
  access?: GitAccess;
  tokens?: GitTokens;
  url?: string;
  identity?: GitIdentity;
}

export class Workspaces {
  private readonly root: string;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly identity: GitIdentity;
  private readonly gitTimeoutMs: number;
  private readonly hooksDir: string;
  private readonly gitHome: string;

  constructor(o: WorkspacesOptions) {
    this.root = o.root;
    this.baseEnv = o.gitEnv ?? process.env;
    this.identity = o.identity;
    this.gitTimeoutMs = o.gitTimeoutMs ?? 10 * 60 * 1000;
    this.hooksDir = join(o.root, "no-hooks");
    this.gitHome = join(o.root, "git-home");
  }

  /**
   * A fresh repository for the agent at the tip of origin/<branch>; when the remote has no such
   * branch yet, at the tip of the default branch (the branch is created by the first push). It
   * is a shallow clone of that one commit, on a local branch of the group branch's name.
   */
  async prepare(
    repo: RepoRef,
    branch: string,
    tokens: GitTokens,
    taskKey: string,
  ): Promise<Workspace> {
    checkRepo(repo);
    checkBranch(branch);
    const cache = this.cacheDir(repo);
    return withRepoLock(cache, async () => {
      await this.ensureCache(cache);
      await this.fetch(repo, cache, tokens);
      const base =
        (await this.remoteTip(cache, branch)) ?? (await this.remoteTip(cache, repo.defaultBranch));
      if (base === null) {
        throw new WorkspaceError(
          "bad-input",
          `${repo.owner}/${repo.name} has neither branch "${branch}" nor its default branch "${repo.defaultBranch}"`,
        );
      }
      const safeKey = taskKey.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "task";
      const root = join(
        this.root,
        "attempts",
        repo.owner,
        repo.name,
        `${safeKey}-${randomBytes(4).toString("hex")}`,
      );
      const ws: Workspace = {
        dir: join(root, "work"),
        home: join(root, "home"),
        io: join(root, "io"),
        branch,
        baseSha: base,
        repo,
        root,
      };
      for (const dir of [ws.dir, ws.home, ws.io]) await mkdir(dir, { recursive: true });
      // Nothing of the agent's has run yet: these commands may use the agent's repository.
      const agentGit = join(ws.dir, ".git");
      await this.run(["init", "--quiet", ws.dir], { gitDir: null });
      await this.run(["config", "user.name", this.identity.name], { gitDir: agentGit });
      await this.run(["config", "user.email", this.identity.email], { gitDir: agentGit });
      await this.run(["fetch", "--quiet", "--no-tags", "--depth=1", `file://${cache}`, base], {
        gitDir: agentGit,
      });
      await this.run(["checkout", "--quiet", "-B", branch, base], {
        gitDir: agentGit,
        workTree: ws.dir,
      });
      return ws;
    });
  }

  /**
   * False when the agent deleted its working directory or everything in it (its .git gone with
   * the rest). The .git is the agent's own and never read by the worker; its presence only tells
   * an agent that wrecked its directory from one that edited files.
   */
  async isIntact(ws: Workspace): Promise<boolean> {
    try {
      if (!(await lstat(ws.dir)).isDirectory()) return false;
      await lstat(join(ws.dir, ".git"));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Takes the agent's files as they are now (.gitignore respected) into one commit on the base,
   * built in the worker's repository with the worker's index. Returns the commit, or null when
   * the files are the base's. Commits the agent made itself are not taken, only their files;
   * the commit's author is `identity` (default: the workspace identity), never the agent's.
   * Call it only once no process of the agent's can still be running.
   */
  async capture(ws: Workspace, message: string, identity?: GitIdentity): Promise<string | null> {
    const cache = this.cacheDir(ws.repo);
    const index = join(ws.root, "index");
    const files = { gitDir: cache, workTree: ws.dir, indexFile: index };
    await rm(index, { force: true });
    await this.run(["read-tree", ws.baseSha], files);
    try {
      await this.run(["add", "--all"], files);
    } catch (error) {
      // git refused the agent's files (an encoding it cannot convert, a repository without a
      // commit inside): the change's fault, said as such, not a worker error to retry blindly.
      throw new WorkspaceError(
        "bad-change",
        `git cannot take the change as it is: ${(error as Error).message
          .replace(/^git add failed: /, "")
          .replace(/^(fatal|error): /gm, "")}`,
      );
    }
    const embedded = await this.newGitlinks(ws, files);
    if (embedded.length > 0) {
      throw new WorkspaceError(
        "bad-change",
        `the change holds a git repository of its own at ${embedded.slice(0, 5).join(", ")}: ` +
          "remove its .git (or add it as a proper submodule) and commit plain files",
      );
    }
    const tree = (await this.run(["write-tree"], files)).trim();
    const baseTree = (await this.run(["rev-parse", `${ws.baseSha}^{tree}`], files)).trim();
    if (tree === baseTree) return null;
    return this.commitTree(ws, tree, ws.baseSha, message, identity);
  }

  /**
   * Pushes `sha` to refs/heads/<branch> of the remote as a fast-forward, and nothing else (no
   * tags, no other ref). When the remote moved meanwhile, fetches, replays the change onto the
   * new tip (the files of the agent's directory are brought up to date for `reverify`), asks
   * `reverify` and tries again, a bounded number of times. A conflict is reported as such.
   */
  async push(
    ws: Workspace,
    sha: string,
    tokens: GitTokens,
    reverify: () => Promise<boolean>,
    /** false: a branch that moved meanwhile fails the push instead (a merge is not replayed) */
    replay = true,
  ): Promise<PushResult> {
    const url = ws.repo.cloneUrl;
    const cache = this.cacheDir(ws.repo);
    let head = sha;
    let rebased = false;
    for (let round = 1; round <= MAX_PUSH_ROUNDS; round++) {
      let failure: string;
      try {
        await this.run(
          [
            "push",
            "--porcelain",
            "--no-verify",
            "--no-follow-tags",
            url,
            `${head}:refs/heads/${ws.branch}`,
          ],
          { gitDir: cache, access: "write", tokens, url },
        );
        return { ok: true, sha: head, rebased };
      } catch (err) {
        failure = (err as Error).message;
      }

      // Find out why: if the remote branch now has commits we don't, we lost a race.
      const tip = await withRepoLock(cache, async () => {
        await this.fetch(ws.repo, cache, tokens);
        return this.remoteTip(cache, ws.branch);
      });
      if (tip === null || (await this.contains(cache, head, tip))) {
        return { ok: false, reason: "rejected", detail: failure };
      }
      if (!replay) {
        return {
          ok: false,
          reason: "rejected",
          detail: `${ws.branch} moved while its merge was made; the next attempt merges again`,
        };
      }
      const merged = await this.replay(ws, head, tip);
      if (!merged.ok) return { ok: false, reason: "conflict", detail: merged.detail };
      head = merged.sha;
      rebased = true;
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

  /**
   * Merges the remote `base` branch into the workspace (at its branch's tip) as `git merge`
   * would, without committing: the merged files, conflict markers included, are written to the
   * agent's directory. Histories without a common ancestor (a base rewritten by a force-push
   * onto unrelated commits) are refused with a message saying so.
   */
  async mergeBase(ws: Workspace, base: string): Promise<BaseMerge> {
    checkBranch(base);
    const cache = this.cacheDir(ws.repo);
    const baseTip = await this.remoteTip(cache, base);
    if (baseTip === null) {
      throw new WorkspaceError(
        "bad-input",
        `${ws.repo.owner}/${ws.repo.name} has no branch "${base}"`,
      );
    }
    if (await this.contains(cache, ws.baseSha, baseTip)) return { upToDate: true };
    let out: string;
    try {
      out = await this.run(["merge-tree", "--write-tree", "--name-only", ws.baseSha, baseTip], {
        gitDir: cache,
        okExit: [1],
      });
    } catch (error) {
      throw new WorkspaceError(
        "bad-input",
        `${base} at ${baseTip.slice(0, 12)} shares no history with ${ws.branch} (was ${base} force-pushed onto other commits?): git cannot merge them; merge by hand, or close the PR and run the issue again: ${(error as Error).message}`,
      );
    }
    const [tree = "", ...rest] = out.split("\n");
    const end = rest.indexOf("");
    const conflicts = [...new Set(rest.slice(0, end === -1 ? rest.length : end).filter(Boolean))];
    await this.run(["read-tree", "--reset", "-u", tree.trim()], {
      gitDir: cache,
      workTree: ws.dir,
      indexFile: join(ws.root, "index"),
    });
    return { upToDate: false, baseTip, tree: tree.trim(), conflicts };
  }

  /**
   * The merge as the agent left it, committed with two parents (the branch's tip and the
   * base's), or the merged tree as it is when nothing conflicted. Refused while a conflicted
   * file still holds conflict markers. Call it only once the agent's processes are gone.
   */
  async captureMerge(
    ws: Workspace,
    merge: Extract<BaseMerge, { upToDate: false }>,
    message: string,
    identity?: GitIdentity,
  ): Promise<string> {
    const cache = this.cacheDir(ws.repo);
    const index = join(ws.root, "index");
    const files = { gitDir: cache, workTree: ws.dir, indexFile: index };
    let tree = merge.tree;
    if (merge.conflicts.length > 0) {
      await rm(index, { force: true });
      await this.run(["read-tree", merge.tree], files);
      await this.run(["add", "--all"], files);
      tree = (await this.run(["write-tree"], files)).trim();
      const marked: string[] = [];
      for (const path of merge.conflicts) {
        const blob = await this.run(["cat-file", "-p", `${tree}:${path}`], {
          gitDir: cache,
          okExit: [128],
        }).catch(() => "");
        if (/^(<{7}|>{7})( |$)/m.test(blob)) marked.push(path);
      }
      if (marked.length > 0) {
        throw new WorkspaceError(
          "bad-change",
          `conflict markers are left in ${marked.slice(0, 10).join(", ")}: resolve every conflict and remove the <<<<<<< ======= >>>>>>> lines`,
        );
      }
    }
    const messageFile = join(ws.root, "msg");
    await writeFile(messageFile, message);
    const out = await this.run(
      ["commit-tree", tree, "-p", ws.baseSha, "-p", merge.baseTip, "-F", messageFile],
      { gitDir: cache, ...(identity ? { identity } : {}) },
    );
    return out.trim();
  }

  /**
   * The branch's own commits (those the base lacks) replayed one by one onto the remote `base`,
   * each keeping its message and author: a new series, for a push with lease (pushRewritten).
   * Null when it cannot be done as a plain series: a merge commit among them, or a commit whose
   * change no longer applies; the caller merges instead. The result's files are written to the
   * agent's directory, for verify.
   */
  async rebaseOnto(
    ws: Workspace,
    base: string,
  ): Promise<{ sha: string; rewritten: Record<string, string> } | "up-to-date" | null> {
    checkBranch(base);
    const cache = this.cacheDir(ws.repo);
    const baseTip = await this.remoteTip(cache, base);
    if (baseTip === null) return null;
    if (await this.contains(cache, ws.baseSha, baseTip)) return "up-to-date";
    const own = (
      await this.run(["rev-list", "--reverse", "--parents", ws.baseSha, `^${baseTip}`], {
        gitDir: cache,
      })
    )
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" "));
    if (own.some((shas) => shas.length !== 2)) return null;
    const index = join(ws.root, "rebase-index");
    const patch = join(ws.root, "rebase.patch");
    const files = { gitDir: cache, indexFile: index };
    let tip = baseTip;
    const rewritten: Record<string, string> = {};
    for (const [commit = "", parent = ""] of own) {
      await rm(index, { force: true });
      await this.run(["read-tree", tip], files);
      await this.run(["diff", "--binary", "--full-index", `--output=${patch}`, parent, commit], {
        gitDir: cache,
      });
      try {
        await this.run(["apply", "--cached", patch], files);
      } catch {
        return null;
      }
      const tree = (await this.run(["write-tree"], files)).trim();
      const message = await this.run(["log", "-1", "--format=%B", commit], { gitDir: cache });
      const author = await this.run(["log", "-1", "--format=%an%x00%ae", commit], {
        gitDir: cache,
      });
      const [name = this.identity.name, email = this.identity.email] = author.trim().split("\0");
      tip = await this.commitTree(ws, tree, tip, message.trimEnd(), { name, email });
      rewritten[commit] = tip;
    }
    await this.run(["read-tree", "--reset", "-u", tip], {
      gitDir: cache,
      workTree: ws.dir,
      indexFile: join(ws.root, "index"),
    });
    return { sha: tip, rewritten };
  }

  /**
   * Pushes a rewritten series over the branch, with a lease: only while the remote branch is
   * still at `expected` (nobody pushed since it was read). False when the lease failed.
   */
  async pushRewritten(
    ws: Workspace,
    sha: string,
    tokens: GitTokens,
    expected: string,
  ): Promise<boolean> {
    const url = ws.repo.cloneUrl;
    try {
      await this.run(
        [
          "push",
          "--porcelain",
          "--no-verify",
          "--no-follow-tags",
          `--force-with-lease=refs/heads/${ws.branch}:${expected}`,
          url,
          `${sha}:refs/heads/${ws.branch}`,
        ],
        { gitDir: this.cacheDir(ws.repo), access: "write", tokens, url },
      );
      return true;
    } catch {
      return false;
    }
  }

  /** `path` at `commit` in the worker's cache, bounded; "" when it is not there. */
  async fileAt(ws: Workspace, commit: string, path: string, maxChars: number): Promise<string> {
    const text = await this.run(["cat-file", "-p", `${commit}:${path}`], {
      gitDir: this.cacheDir(ws.repo),
    }).catch(() => "");
    return text.length <= maxChars ? text : `${text.slice(0, maxChars)}\n[…]`;
  }

  /**
   * Who else committed to the group's branch: the authors (names) of the commits on `head` that
   * are not on the default branch and not by `ours` — people, or other apps, who pushed to it.
   * Read from the cache the push just used, so it asks GitHub nothing.
   */
  async othersOnBranch(ws: Workspace, head: string, ours: GitIdentity): Promise<string[]> {
    const cache = this.cacheDir(ws.repo);
    if (ws.branch === ws.repo.defaultBranch) return [];
    const base = await this.remoteTip(cache, ws.repo.defaultBranch);
    const out = await this.run(
      ["log", "--format=%an%x1f%ae", head, ...(base ? [`^${base}`] : [])],
      { gitDir: cache },
    );
    const names = new Set<string>();
    for (const line of out.split("\n")) {
      const [name = "", email = ""] = line.split("\x1f");
      if (name && email.toLowerCase() !== ours.email.toLowerCase()) names.add(name);
    }
    return [...names];
  }

  /** Removes the attempt's folders; a directory the agent already emptied is fine. */
  async remove(ws: Workspace): Promise<void> {
    await rm(ws.root, { recursive: true, force: true });
  }

  /**
   * Deletes every attempt folder under the root. For worker start-up: folders of a process that
   * died are never removed by their attempts. Call it only while no attempt of this root runs.
   */
  async cleanup(): Promise<void> {
    await rm(join(this.root, "attempts"), { recursive: true, force: true });
    await rm(join(this.root, "worktrees"), { recursive: true, force: true });
    await rm(join(this.root, "tmp"), { recursive: true, force: true });
    const reposDir = join(this.root, "repos");
    let owners: string[];
    try {
      owners = await readdir(reposDir);
    } catch {
      return;
    }
    for (const owner of owners) {
      for (const entry of await readdir(join(reposDir, owner))) {
        // A cache whose creation was interrupted (".tmp-*"): start it again next time.
        if (!entry.endsWith(".git")) {
          await rm(join(reposDir, owner, entry), { recursive: true, force: true });
        }
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
    tokens: GitTokens,
    o: { trailer: string; since: Date },
  ): Promise<string | null> {
    checkRepo(repo);
    checkBranch(branch);
    const cache = this.cacheDir(repo);
    return withRepoLock(cache, async () => {
      await this.ensureCache(cache);
      await this.fetch(repo, cache, tokens);
      const tip = await this.remoteTip(cache, branch);
      if (tip === null) return null;
      const base =
        branch === repo.defaultBranch ? null : await this.remoteTip(cache, repo.defaultBranch);
      const out = await this.run(
        [
          "log",
          "--format=%H %ct%x1f%B%x1e",
          "--fixed-strings",
          `--grep=${o.trailer}`,
          tip,
          ...(base ? [`^${base}`] : []),
        ],
        { gitDir: cache },
      );
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
  async headOf(repo: RepoRef, branch: string, tokens: GitTokens): Promise<string | null> {
    checkRepo(repo);
    checkBranch(branch);
    const out = await this.run(["ls-remote", repo.cloneUrl, `refs/heads/${branch}`], {
      gitDir: null,
      access: "read",
      tokens,
      url: repo.cloneUrl,
    });
    for (const line of out.split("\n")) {
      const [sha, ref] = line.trim().split(/\s+/);
      if (ref === `refs/heads/${branch}` && sha) return sha;
    }
    return null;
  }

  private cacheDir(repo: RepoRef): string {
    return join(this.root, "repos", repo.owner, `${repo.name}.git`);
  }

  /** New embedded repositories (gitlinks) in the index that the base commit did not have. */
  private async newGitlinks(
    ws: Workspace,
    files: { gitDir: string; workTree: string; indexFile: string },
  ): Promise<string[]> {
    const staged = await this.run(["ls-files", "--stage", "-z"], files);
    const links = staged
      .split("\0")
      .filter((e) => e.startsWith("160000 "))
      .map((e) => e.slice(e.indexOf("\t") + 1));
    if (links.length === 0) return [];
    const before = await this.run(["ls-tree", "-r", "-z", ws.baseSha], { gitDir: files.gitDir });
    const had = new Set(
      before
        .split("\0")
        .filter((e) => e.startsWith("160000 "))
        .map((e) => e.slice(e.indexOf("\t") + 1)),
    );
    return links.filter((path) => !had.has(path));
  }

  private async commitTree(
    ws: Workspace,
    tree: string,
    parent: string,
    message: string,
    identity?: GitIdentity,
  ): Promise<string> {
    // The message (often a task title) goes through a file: as an argument, text such as
    // "--upload-pack" would be read as an option by simple-git's guard.
    const messageFile = join(ws.root, "msg");
    await writeFile(messageFile, message);
    const out = await this.run(["commit-tree", tree, "-p", parent, "-F", messageFile], {
      gitDir: this.cacheDir(ws.repo),
      ...(identity ? { identity } : {}),
    });
    return out.trim();
  }

  /**
   * `head`'s change replayed onto `tip` (a three-way merge of trees, no work tree involved),
   * as one commit whose parent is `tip`; the agent's directory is then brought to that tree.
   */
  private async replay(
    ws: Workspace,
    head: string,
    tip: string,
  ): Promise<{ ok: true; sha: string } | { ok: false; detail: string }> {
    const cache = this.cacheDir(ws.repo);
    let tree: string;
    try {
      tree = (
        await this.run(["merge-tree", "--write-tree", "--name-only", tip, head], { gitDir: cache })
      )
        .split("\n")[0]!
        .trim();
    } catch (err) {
      return {
        ok: false,
        detail: `rebasing onto ${ws.branch} at ${tip.slice(0, 12)} conflicted: ${(err as Error).message}`,
      };
    }
    const message = await this.run(["log", "-1", "--format=%B", head], { gitDir: cache });
    const author = await this.run(["log", "-1", "--format=%an%x00%ae", head], { gitDir: cache });
    const [name = this.identity.name, email = this.identity.email] = author.trim().split("\0");
    const sha = await this.commitTree(ws, tree, tip, message.trimEnd(), { name, email });
    await this.run(["read-tree", "--reset", "-u", tree], {
      gitDir: cache,
      workTree: ws.dir,
      indexFile: join(ws.root, "index"),
    });
    return { ok: true, sha };
  }

  /** Creates the bare cache once; a half-made one (crash during init) is replaced. */
  private async ensureCache(cache: string): Promise<void> {
    await mkdir(this.gitHome, { recursive: true });
    await mkdir(this.hooksDir, { recursive: true });
    await chmod(this.hooksDir, 0o555);
    try {
      if ((await lstat(join(cache, "objects"))).isDirectory()) return;
    } catch {
      // not made yet
    }
    await rm(cache, { recursive: true, force: true });
    await mkdir(dirname(cache), { recursive: true });
    const tmp = `${cache}.tmp-${randomBytes(4).toString("hex")}`;
    await this.run(["init", "--quiet", "--bare", tmp], { gitDir: null });
    // Commits built for tasks are dangling until pushed: no automatic gc may prune them.
    await this.run(["config", "gc.auto", "0"], { gitDir: tmp });
    await rename(tmp, cache);
  }

  private async fetch(repo: RepoRef, cache: string, tokens: GitTokens): Promise<void> {
    await this.run(
      [
        "fetch",
        "--quiet",
        "--prune",
        "--no-tags",
        repo.cloneUrl,
        "+refs/heads/*:refs/remotes/origin/*",
      ],
      { gitDir: cache, access: "read", tokens, url: repo.cloneUrl },
    );
  }

  private async remoteTip(cache: string, branch: string): Promise<string | null> {
    const ref = `refs/remotes/origin/${branch}`;
    // for-each-ref also matches refs below a prefix, so compare the name exactly.
    const out = await this.run(["for-each-ref", "--format=%(objectname) %(refname)", ref], {
      gitDir: cache,
    });
    for (const line of out.split("\n")) {
      const [sha, name] = line.split(" ");
      if (name === ref && sha) return sha;
    }
    return null;
  }

  /** Whether `commit` is already part of `head`'s history. */
  private async contains(cache: string, head: string, commit: string): Promise<boolean> {
    const count = await this.run(["rev-list", "--count", `${head}..${commit}`], { gitDir: cache });
    return count.trim() === "0";
  }

  /**
   * Runs one git command in the worker's own directory. A network command gets a token minted
   * for it alone, through its environment only, revoked when it ends; any error is rethrown as
   * a WorkspaceError with the token scrubbed. GitHub answers git over HTTPS with 5xx, or
   * 403/429 for a secondary rate limit, at times: network commands are tried again with backoff
   * rather than costing the task an attempt (a push that did land is a no-op the second time).
   */
  private async run(args: string[], call: GitCall): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(args, call);
      } catch (error) {
        const transient =
          /returned error: (5\d\d|403|429)|RPC failed|early EOF|Connection (refused|reset)/i;
        if (
          !call.access ||
          attempt >= GIT_NETWORK_TRIES ||
          !transient.test((error as Error).message)
        )
          throw error;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  private async runOnce(args: string[], call: GitCall): Promise<string> {
    await mkdir(this.gitHome, { recursive: true });
    const token = call.access && call.tokens ? await call.tokens(call.access) : null;
    const { env, allowEnvironment } = buildGitEnv(this.baseEnv, {
      identity: call.identity ?? this.identity,
      hooksDir: this.hooksDir,
      homeDir: this.gitHome,
      gitDir: call.gitDir,
      ...(call.workTree !== undefined ? { workTree: call.workTree } : {}),
      ...(call.indexFile !== undefined ? { indexFile: call.indexFile } : {}),
      token: token?.value ?? null,
      url: call.url ?? "",
    });
    let git: SimpleGit;
    try {
      git = simpleGit({
        baseDir: this.gitHome,
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
        // its message carries stdout too: push and merge-tree explain themselves there.
        errors: (error, result) =>
          result.exitCode === 0
            ? error
            : call.okExit?.includes(result.exitCode)
              ? undefined
              : Buffer.concat([...result.stdOut, ...result.stdErr]),
      }).env(env);
      return await git.raw(args);
    } catch (err) {
      const secrets = tokenForms(token?.value);
      const detail = scrubSecrets(err instanceof Error ? err.message : String(err), secrets).trim();
      throw new WorkspaceError("git-failed", `git ${args[0]} failed: ${detail || "no output"}`);
    } finally {
      await token?.revoke().catch(() => undefined);
    }
  }
}
