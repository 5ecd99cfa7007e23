import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DiffFile, parseDiff } from "./parseDiff.js";
import { type GitIdentity, gitText, runGit, SANDBOX_IDENTITY } from "./runGit.js";
import { WORKFLOW_HOOK } from "./workflowHook.js";

// The sandbox's view of one bare repository: the same repository `git http-backend` serves, so
// what the REST API reports is exactly what a clone sees.

export interface GitRef {
  ref: string;
  sha: string;
  type: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

export type PathEntry =
  | { type: "file"; sha: string; size: number; content: Buffer }
  | {
      type: "dir";
      entries: Array<{ name: string; type: "file" | "dir"; sha: string; size: number }>;
    };

export class BareRepo {
  constructor(readonly gitDir: string) {}

  static async create(gitDir: string, defaultBranch: string): Promise<BareRepo> {
    await mkdir(gitDir, { recursive: true });
    await runGit(gitDir, ["init", "--bare", "--quiet", "-b", defaultBranch]);
    const repo = new BareRepo(gitDir);
    // What github.com allows: pushes over HTTP, partial clones, fetching any reachable commit.
    await writeFile(join(gitDir, "hooks", "pre-receive"), WORKFLOW_HOOK, { mode: 0o755 });
    for (const [key, value] of [
      ["http.receivepack", "true"],
      ["uploadpack.allowFilter", "true"],
      ["uploadpack.allowReachableSHA1InWant", "true"],
      ["receive.denyNonFastForwards", "false"],
    ] as const) {
      await runGit(gitDir, ["config", key, value]);
    }
    return repo;
  }

  /** Commits `files` (null deletes a path) on top of `branch` and moves the branch. */
  async commitFiles(o: {
    branch: string;
    files: Record<string, string | null>;
    message: string;
    author?: GitIdentity;
  }): Promise<string> {
    const parent = await this.resolve(`refs/heads/${o.branch}`);
    const index = join(tmpdir(), `sandbox-index-${randomUUID()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (parent) await runGit(this.gitDir, ["read-tree", parent], { env });
      for (const [path, content] of Object.entries(o.files)) {
        if (content === null) {
          await runGit(this.gitDir, ["update-index", "--force-remove", "--", path], { env });
          continue;
        }
        const blob = (
          await gitText(this.gitDir, ["hash-object", "-w", "--stdin"], { input: content })
        ).trim();
        await runGit(
          this.gitDir,
          ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`],
          {
            env,
          },
        );
      }
      const tree = (await gitText(this.gitDir, ["write-tree"], { env })).trim();
      const args = ["commit-tree", tree, "-m", o.message];
      if (parent) args.push("-p", parent);
      const sha = (
        await gitText(this.gitDir, args, { identity: o.author ?? SANDBOX_IDENTITY })
      ).trim();
      await this.updateRef(`refs/heads/${o.branch}`, sha, parent ?? "");
      return sha;
    } finally {
      await rm(index, { force: true });
    }
  }

  /** The commit a ref or sha names, or null. */
  async resolve(ref: string): Promise<string | null> {
    const run = await runGit(this.gitDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      okCodes: [1, 128],
    });
    const sha = run.stdout.toString("utf8").trim();
    return run.code === 0 && sha ? sha : null;
  }

  async refs(): Promise<GitRef[]> {
    const out = await gitText(this.gitDir, [
      "for-each-ref",
      "--format=%(refname)%00%(objectname)%00%(objecttype)",
    ]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [ref = "", sha = "", type = ""] = line.split("\0");
        return { ref, sha, type };
      });
  }

  async branches(): Promise<Array<{ name: string; sha: string }>> {
    return (await this.refs())
      .filter((r) => r.ref.startsWith("refs/heads/"))
      .map((r) => ({ name: r.ref.slice("refs/heads/".length), sha: r.sha }));
  }

  /**
   * Moves `ref` to `sha` atomically. `oldSha` "" means the ref must not exist yet, undefined
   * means any current value. Returns false when the expectation did not hold.
   */
  async updateRef(ref: string, sha: string, oldSha?: string): Promise<boolean> {
    const args = ["update-ref", ref, sha];
    if (oldSha !== undefined) args.push(oldSha);
    const run = await runGit(this.gitDir, args, { okCodes: [1, 128] });
    return run.code === 0;
  }

  async deleteRef(ref: string): Promise<boolean> {
    const run = await runGit(this.gitDir, ["update-ref", "-d", ref], { okCodes: [1, 128] });
    return run.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const run = await runGit(this.gitDir, ["merge-base", "--is-ancestor", ancestor, descendant], {
      okCodes: [1],
    });
    return run.code === 0;
  }

  async commitCount(base: string, head: string): Promise<number> {
    return Number((await gitText(this.gitDir, ["rev-list", "--count", `${base}..${head}`])).trim());
  }

  /** `git rev-list` of `args` (newest first). */
  async revList(args: string[]): Promise<string[]> {
    return (await gitText(this.gitDir, ["rev-list", ...args])).split("\n").filter(Boolean);
  }

  async commit(sha: string): Promise<CommitInfo> {
    const out = await gitText(this.gitDir, [
      "show",
      "-s",
      "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B",
      sha,
    ]);
    const [h = "", t = "", p = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...msg] =
      out.split("\0");
    return {
      sha: h,
      tree: t,
      parents: p.split(" ").filter(Boolean),
      author: { name: an, email: ae, date: utc(ad) },
      committer: { name: cn, email: ce, date: utc(cd) },
      message: msg.join("\0").replace(/\n+$/, ""),
    };
  }

  /** A file or directory at a commit, or null when the path does not exist there. */
  async readPath(commit: string, path: string): Promise<PathEntry | null> {
    const clean = path.replace(/^\/+|\/+$/g, "");
    if (clean === "") return { type: "dir", entries: await this.listTree(commit) };
    const out = await gitText(this.gitDir, ["ls-tree", "-l", commit, "--", clean]);
    const entry = parseTreeLine(out.split("\n")[0] ?? "");
    if (!entry || entry.path !== clean) return null;
    if (entry.type === "tree") return { type: "dir", entries: await this.listTree(entry.sha) };
    if (entry.type !== "blob") return null;
    const content = (await runGit(this.gitDir, ["cat-file", "blob", entry.sha])).stdout;
    return { type: "file", sha: entry.sha, size: content.length, content };
  }

  /** GitHub's pull request diff: changes on head since it forked from base (`base...head`). */
  async diff(base: string, head: string, paths: string[] = []): Promise<DiffFile[]> {
    const out = await gitText(this.gitDir, [
      "diff",
      "--full-index",
      "--no-renames",
      "--no-color",
      "--no-ext-diff",
      `${base}...${head}`,
      "--",
      ...paths,
    ]);
    return parseDiff(out);
  }

  async changedPaths(from: string, to: string): Promise<string[]> {
    const out = await gitText(this.gitDir, ["diff", "--name-only", "--no-renames", from, to]);
    return out.split("\n").filter(Boolean);
  }

  /** Merges head into base like the merge button; throws on conflicts. */
  async merge(o: {
    base: string;
    head: string;
    /** the head commit, when `head` is not a branch here (a PR from a fork) */
    headSha?: string;
    message: string;
    author?: GitIdentity;
  }): Promise<string> {
    const baseSha = await this.resolve(`refs/heads/${o.base}`);
    const headSha = o.headSha ?? (await this.resolve(`refs/heads/${o.head}`));
    if (!baseSha || !headSha) throw new Error(`merge: missing branch ${o.base} or ${o.head}`);
    const run = await runGit(this.gitDir, ["merge-tree", "--write-tree", baseSha, headSha], {
      okCodes: [1],
    });
    if (run.code !== 0) throw new Error(`merge of ${o.head} into ${o.base} has conflicts`);
    const tree = run.stdout.toString("utf8").split("\n")[0]?.trim() ?? "";
    const sha = (
      await gitText(
        this.gitDir,
        ["commit-tree", tree, "-p", baseSha, "-p", headSha, "-m", o.message],
        {
          identity: o.author ?? SANDBOX_IDENTITY,
        },
      )
    ).trim();
    if (!(await this.updateRef(`refs/heads/${o.base}`, sha, baseSha))) {
      throw new Error(`merge: ${o.base} moved while merging`);
    }
    return sha;
  }

  /**
   * Merges `from` (a commit) into branch `into` with a merge commit whose parents are the
   * branch's tip and `from`, like "Update branch"; false when it conflicts or the branch moved.
   */
  async mergeInto(o: {
    into: string;
    from: string;
    message: string;
    author?: GitIdentity;
  }): Promise<string | null> {
    const tip = await this.resolve(`refs/heads/${o.into}`);
    if (!tip) return null;
    const run = await runGit(this.gitDir, ["merge-tree", "--write-tree", tip, o.from], {
      okCodes: [1],
    });
    if (run.code !== 0) return null;
    const tree = run.stdout.toString("utf8").split("\n")[0]?.trim() ?? "";
    const sha = (
      await gitText(this.gitDir, ["commit-tree", tree, "-p", tip, "-p", o.from, "-m", o.message], {
        identity: o.author ?? SANDBOX_IDENTITY,
      })
    ).trim();
    return (await this.updateRef(`refs/heads/${o.into}`, sha, tip)) ? sha : null;
  }

  private async listTree(treeish: string) {
    const out = await gitText(this.gitDir, ["ls-tree", "-l", treeish]);
    return out
      .split("\n")
      .map(parseTreeLine)
      .filter((e) => e !== null)
      .map((e) => ({
        name: e.path,
        type: e.type === "tree" ? ("dir" as const) : ("file" as const),
        sha: e.sha,
        size: e.size,
      }));
  }
}

function parseTreeLine(line: string) {
  const m = /^(\d+) (\w+) ([0-9a-f]+)\s+(-|\d+)\t(.*)$/.exec(line);
  if (!m) return null;
  const path = m[5] ?? "";
  return {
    type: m[2] ?? "",
    sha: m[3] ?? "",
    size: m[4] === "-" ? 0 : Number(m[4]),
    path: path.startsWith('"') ? (JSON.parse(path) as string) : path,
  };
}

/** git prints dates with the committer's offset; GitHub reports them in UTC with a Z. */
function utc(date: string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
