import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type Workspace, WorkspaceError, Workspaces } from "../../src/worker/workspace.js";
import {
  filesContaining,
  git,
  gitStatus,
  identity,
  makeRemote,
  type Remote,
  remoteBranch,
  removeTempDirs,
  tempDir,
} from "./gitFixtures.js";

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

const TOKEN = "ghs_FakeInstallationToken0123456789abcdef";
const TOKEN_B64 = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
const BRANCH = "orchestrate/7-api";

afterAll(removeTempDirs);

let remote: Remote;
let root: string;
let workspaces: Workspaces;
beforeEach(() => {
  const base = tempDir();
  remote = makeRemote(base);
  root = join(base, "workspaces");
  workspaces = new Workspaces({ root, identity });
});

function edit(ws: Workspace, file: string, line: string): void {
  appendFileSync(join(ws.dir, file), `${line}\n`);
}

async function commitOne(taskKey: string, file: string, line: string): Promise<Workspace> {
  const ws = await workspaces.prepare(remote.repo, BRANCH, TOKEN, taskKey);
  edit(ws, file, line);
  expect(await workspaces.commitAll(ws, `${taskKey}: ${line}`)).not.toBeNull();
  return ws;
}

describe("Workspaces.prepare", () => {
  it("starts a branch that is not on the remote yet from the default branch", async () => {
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    const ws = await workspaces.prepare(remote.repo, BRANCH, TOKEN, "7-t1-a1");
    expect(ws.baseSha).toBe(remote.mainSha);
    expect(ws.branch).toBe(BRANCH);
    expect(readFileSync(join(ws.dir, "README.md"), "utf8")).toBe("# widgets\n");

    edit(ws, "api.txt", "endpoint");
    const sha = await workspaces.commitAll(ws, "Add the endpoint");
    const pushed = await workspaces.push(ws, TOKEN, async () => true);
    expect(pushed).toEqual({ ok: true, sha, rebased: false });

    expect(remoteBranch(remote, BRANCH)).toBe(sha);
    expect(git(remote.dir, "rev-parse", `${BRANCH}^`)).toBe(remote.mainSha);
    expect(git(remote.dir, "show", `${BRANCH}:api.txt`)).toBe("endpoint");
    expect(git(remote.dir, "log", "-1", "--format=%an <%ae>|%cn|%s", BRANCH)).toBe(
      `${identity.name} <${identity.email}>|${identity.name}|Add the endpoint`,
    );
    expect(remoteBranch(remote, "main")).toBe(remote.mainSha);
  });

  it("starts at the tip of the remote branch when it exists", async () => {
    const first = await commitOne("7-t1-a1", "a.txt", "from t1");
    const pushed = await workspaces.push(first, TOKEN, async () => true);
    await workspaces.remove(first);
    const ws = await workspaces.prepare(remote.repo, BRANCH, TOKEN, "7-t2-a1");
    expect(pushed.ok && ws.baseSha === pushed.sha).toBe(true);
    expect(readFileSync(join(ws.dir, "a.txt"), "utf8")).toBe("from t1\n");
  });

  it("prepares many worktrees of one repository at once without tripping over git's locks", async () => {
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) => workspaces.prepare(remote.repo, BRANCH, TOKEN, `t${i}`)),
    );
    expect(new Set(all.map((w) => w.dir)).size).toBe(6);
    for (const ws of all) {
      expect(ws.baseSha).toBe(remote.mainSha);
      expect(git(ws.dir, "rev-parse", "HEAD")).toBe(remote.mainSha);
    }
    await Promise.all(all.map((ws) => workspaces.remove(ws)));
    for (const ws of all) expect(existsSync(ws.dir)).toBe(false);
  });

  it("refuses branch names git would misread, naming the problem", async () => {
    await expect(workspaces.prepare(remote.repo, "--upload-pack=x", null, "t")).rejects.toThrow(
      /not a usable branch name/,
    );
    await expect(workspaces.prepare(remote.repo, "a/../b", null, "t")).rejects.toBeInstanceOf(
      WorkspaceError,
    );
  });
});

describe("Workspaces.commitAll", () => {
  it("returns null when nothing changed, and stages additions and deletions", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, null, "t1");
    expect(await workspaces.commitAll(ws, "nothing")).toBeNull();

    rmSync(join(ws.dir, "shared.txt"));
    writeFileSync(join(ws.dir, "new.txt"), "new\n");
    const sha = await workspaces.commitAll(ws, "Change things");
    expect(sha).toBe(git(ws.dir, "rev-parse", "HEAD"));
    const files = git(ws.dir, "show", "--name-status", "--format=", "HEAD").split("\n").sort();
    expect(files).toEqual(["A\tnew.txt", "D\tshared.txt"]);
    expect(git(ws.dir, "status", "--porcelain")).toBe("");
  });

  it("ignores build output listed in .gitignore", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, null, "t1");
    writeFileSync(join(ws.dir, ".gitignore"), "dist/\n");
    git(ws.dir, "add", ".gitignore");
    git(ws.dir, "commit", "--quiet", "-m", "ignore dist");
    const afterIgnore = git(ws.dir, "rev-parse", "HEAD");
    writeFileSync(join(ws.dir, "README.md"), "# widgets\nchanged\n");
    mkdirSync(join(ws.dir, "dist"));
    writeFileSync(join(ws.dir, "dist", "bundle.js"), "built");
    const sha = await workspaces.commitAll(ws, "Edit the readme");
    expect(git(ws.dir, "show", "--name-only", "--format=", `${afterIgnore}..${sha}`)).toBe(
      "README.md",
    );
  });

  it("commits any message text as it is, even text that looks like an option", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, null, "t1");
    edit(ws, "a.txt", "x");
    const message = "--upload-pack=evil: a task title\n\nOrchestrate-Task: acme/widgets#9 t1";
    const sha = await workspaces.commitAll(ws, message);
    expect(git(ws.dir, "log", "-1", "--format=%B", sha!)).toBe(message);
    expect(existsSync(join(root, "tmp")) ? readdirSync(join(root, "tmp")) : []).toEqual([]);
  });

  it("counts commits the agent made itself as its change", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, null, "t1");
    edit(ws, "self.txt", "agent committed this");
    git(ws.dir, "add", "-A");
    git(ws.dir, "commit", "--quiet", "-m", "agent's own commit");
    const sha = await workspaces.commitAll(ws, "unused");
    expect(sha).toBe(git(ws.dir, "rev-parse", "HEAD"));
    expect(git(ws.dir, "log", "-1", "--format=%s")).toBe("agent's own commit");
  });
});

describe("Workspaces.push", () => {
  it("rebases onto a task that pushed first, re-verifies, and fast-forwards (no force)", async () => {
    const a = await commitOne("7-t1-a1", "a.txt", "from t1");
    const b = await commitOne("7-t2-a1", "b.txt", "from t2");
    const aPushed = await workspaces.push(a, TOKEN, async () => true);
    expect(aPushed).toMatchObject({ ok: true, rebased: false });

    let reverified = 0;
    const bPushed = await workspaces.push(b, TOKEN, async () => {
      reverified++;
      // The re-verify runs on the rebased tree: both tasks' files are there.
      return existsSync(join(b.dir, "a.txt")) && existsSync(join(b.dir, "b.txt"));
    });
    expect(bPushed).toMatchObject({ ok: true, rebased: true });
    expect(reverified).toBe(1);

    const tip = remoteBranch(remote, BRANCH)!;
    expect(bPushed.ok && bPushed.sha).toBe(tip);
    const aSha = aPushed.ok ? aPushed.sha : "";
    expect(git(remote.dir, "rev-parse", `${tip}^`)).toBe(aSha);
    expect(gitStatus(remote.dir, "merge-base", "--is-ancestor", aSha, tip)).toBe(0);
    expect(git(remote.dir, "log", "--format=%s", BRANCH).split("\n")).toEqual([
      "7-t2-a1: from t2",
      "7-t1-a1: from t1",
      "seed",
    ]);
  });

  it("aborts a conflicting rebase and reports a conflict, leaving the remote as it was", async () => {
    const a = await commitOne("7-t1-a1", "shared.txt", "t1 wrote this");
    const b = await commitOne("7-t2-a1", "shared.txt", "t2 wrote that");
    const bHead = git(b.dir, "rev-parse", "HEAD");
    const aPushed = await workspaces.push(a, TOKEN, async () => true);

    let reverified = 0;
    const bPushed = await workspaces.push(b, TOKEN, async () => {
      reverified++;
      return true;
    });
    expect(bPushed).toMatchObject({ ok: false, reason: "conflict" });
    expect(!bPushed.ok && bPushed.detail).toMatch(/CONFLICT|conflict/);
    expect(reverified).toBe(0);
    expect(remoteBranch(remote, BRANCH)).toBe(aPushed.ok ? aPushed.sha : "");
    // The worktree is back where it was, with no rebase in progress.
    expect(git(b.dir, "rev-parse", "HEAD")).toBe(bHead);
    expect(git(b.dir, "status", "--porcelain")).toBe("");
  });

  it("does not push when the re-verify after a rebase fails", async () => {
    const a = await commitOne("7-t1-a1", "a.txt", "from t1");
    const b = await commitOne("7-t2-a1", "b.txt", "from t2");
    const aPushed = await workspaces.push(a, TOKEN, async () => true);
    const bPushed = await workspaces.push(b, TOKEN, async () => false);
    expect(bPushed).toMatchObject({ ok: false, reason: "verify-failed" });
    expect(remoteBranch(remote, BRANCH)).toBe(aPushed.ok ? aPushed.sha : "");
  });

  it("reports a push the remote refuses for another reason as rejected", async () => {
    writeFileSync(
      join(remote.dir, "hooks", "pre-receive"),
      "#!/bin/sh\necho 'branch is frozen' >&2\nexit 1\n",
      {
        mode: 0o755,
      },
    );
    const ws = await commitOne("7-t1-a1", "a.txt", "from t1");
    const pushed = await workspaces.push(ws, TOKEN, async () => true);
    expect(pushed).toMatchObject({ ok: false, reason: "rejected" });
    expect(!pushed.ok && pushed.detail).toContain("branch is frozen");
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });
});

describe("Workspaces.remove and headOf", () => {
  it("removes the worktree and tolerates one the agent already deleted", async () => {
    const kept = await workspaces.prepare(remote.repo, BRANCH, null, "kept");
    const deleted = await workspaces.prepare(remote.repo, BRANCH, null, "deleted");
    rmSync(deleted.dir, { recursive: true, force: true });
    expect(await workspaces.isIntact(deleted)).toBe(false);
    expect(await workspaces.isIntact(kept)).toBe(true);
    await workspaces.remove(deleted);
    await workspaces.remove(kept);
    expect(existsSync(kept.dir)).toBe(false);
    const cache = join(root, "repos", "acme", "widgets.git");
    expect(git(cache, "worktree", "list", "--porcelain")).not.toContain("worktrees/acme");
  });

  it("cleanup removes worktrees a dead process left behind", async () => {
    const left = await workspaces.prepare(remote.repo, BRANCH, null, "left-behind");
    await new Workspaces({ root, identity }).cleanup();
    expect(existsSync(left.dir)).toBe(false);
    const cache = join(root, "repos", "acme", "widgets.git");
    expect(git(cache, "worktree", "list", "--porcelain")).not.toContain("left-behind");
    const again = await workspaces.prepare(remote.repo, BRANCH, null, "after-cleanup");
    expect(again.baseSha).toBe(remote.mainSha);
  });

  it("headOf reads a remote branch's tip, or null", async () => {
    expect(await workspaces.headOf(remote.repo, "main", TOKEN)).toBe(remote.mainSha);
    expect(await workspaces.headOf(remote.repo, BRANCH, TOKEN)).toBeNull();
  });
});

describe("the installation token", () => {
  it("is never written into the clone, the worktree or the cache root", async () => {
    const ws = await commitOne("7-t1-a1", "a.txt", "from t1");
    await workspaces.push(ws, TOKEN, async () => true);
    await workspaces.headOf(remote.repo, BRANCH, TOKEN);
    const cacheConfig = readFileSync(join(root, "repos", "acme", "widgets.git", "config"), "utf8");
    expect(cacheConfig).not.toContain(TOKEN);
    expect(cacheConfig).not.toContain("extraheader");
    expect(filesContaining(root, [TOKEN, TOKEN_B64])).toEqual([]);
    expect(filesContaining(remote.dir, [TOKEN, TOKEN_B64])).toEqual([]);
  });

  it("is scrubbed from git's error messages", async () => {
    const base = tempDir();
    const repo = { ...remote.repo, cloneUrl: join(base, `missing-${TOKEN}.git`) };
    const err = await workspaces.prepare(repo, BRANCH, TOKEN, "t1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceError);
    const message = (err as Error).message;
    expect(message).toMatch(/^git fetch failed: /);
    expect(message).toContain("missing-***.git");
    expect(message).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
  });

  it("reaches an HTTP remote only as a Basic authorization header", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.statusCode = 404;
      res.end(`no repository here ${TOKEN}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const repo = { ...remote.repo, cloneUrl: `http://127.0.0.1:${port}/acme/widgets.git` };
      const err = await workspaces.prepare(repo, BRANCH, TOKEN, "t1").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkspaceError);
      expect((err as Error).message).not.toContain(TOKEN);
      expect((err as Error).message).not.toContain(TOKEN_B64);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!.authorization).toBe(`Basic ${TOKEN_B64}`);
      expect(seen[0]!.url ?? "").not.toContain(TOKEN);

      const headErr = await workspaces.headOf(repo, "main", TOKEN).catch((e: unknown) => e);
      expect((headErr as Error).message).not.toContain(TOKEN);
      expect(filesContaining(root, [TOKEN, TOKEN_B64])).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("is not sent when there is none", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const repo = { ...remote.repo, cloneUrl: `http://127.0.0.1:${port}/acme/widgets.git` };
      await expect(workspaces.headOf(repo, "main", null)).rejects.toBeInstanceOf(WorkspaceError);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((h) => h.authorization === undefined)).toBe(true);
    } finally {
      server.close();
    }
  });
});
