import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  fixedToken,
  type GitTokens,
  type Workspace,
  WorkspaceError,
  Workspaces,
} from "../../src/worker/workspace.js";
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
const AUTH = fixedToken(TOKEN);
const NONE = fixedToken(null);

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

async function commitOne(
  taskKey: string,
  file: string,
  line: string,
): Promise<Workspace & { sha: string }> {
  const ws = await workspaces.prepare(remote.repo, BRANCH, AUTH, taskKey);
  edit(ws, file, line);
  const sha = await workspaces.capture(ws, `${taskKey}: ${line}`);
  expect(sha).not.toBeNull();
  return { ...ws, sha: sha! };
}

describe("Workspaces.prepare", () => {
  it("starts a branch that is not on the remote yet from the default branch", async () => {
    expect(remoteBranch(remote, BRANCH)).toBeNull();
    const ws = await workspaces.prepare(remote.repo, BRANCH, AUTH, "7-t1-a1");
    expect(ws.baseSha).toBe(remote.mainSha);
    expect(ws.branch).toBe(BRANCH);
    expect(readFileSync(join(ws.dir, "README.md"), "utf8")).toBe("# widgets\n");

    edit(ws, "api.txt", "endpoint");
    const sha = await workspaces.capture(ws, "Add the endpoint");
    const pushed = await workspaces.push(ws, sha!, AUTH, async () => true);
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
    const pushed = await workspaces.push(first, first.sha, AUTH, async () => true);
    await workspaces.remove(first);
    const ws = await workspaces.prepare(remote.repo, BRANCH, AUTH, "7-t2-a1");
    expect(pushed.ok && ws.baseSha === pushed.sha).toBe(true);
    expect(readFileSync(join(ws.dir, "a.txt"), "utf8")).toBe("from t1\n");
  });

  it("prepares many working directories of one repository at once without tripping over git's locks", async () => {
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) => workspaces.prepare(remote.repo, BRANCH, AUTH, `t${i}`)),
    );
    expect(new Set(all.map((w) => w.dir)).size).toBe(6);
    for (const ws of all) {
      expect(ws.baseSha).toBe(remote.mainSha);
      // The agent's own repository, at the base commit, on a branch named like the group's.
      expect(git(ws.dir, "rev-parse", "HEAD")).toBe(remote.mainSha);
      expect(git(ws.dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe(BRANCH);
    }
    await Promise.all(all.map((ws) => workspaces.remove(ws)));
    for (const ws of all) expect(existsSync(ws.dir)).toBe(false);
  });

  it("refuses branch names git would misread, naming the problem", async () => {
    await expect(workspaces.prepare(remote.repo, "--upload-pack=x", NONE, "t")).rejects.toThrow(
      /not a usable branch name/,
    );
    await expect(workspaces.prepare(remote.repo, "a/../b", NONE, "t")).rejects.toBeInstanceOf(
      WorkspaceError,
    );
  });
});

describe("Workspaces.capture", () => {
  const show = (sha: string, ...args: string[]) =>
    git(join(root, "repos", "acme", "widgets.git"), "show", ...args, sha);

  it("returns null when nothing changed, and takes additions and deletions", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    expect(await workspaces.capture(ws, "nothing")).toBeNull();

    rmSync(join(ws.dir, "shared.txt"));
    writeFileSync(join(ws.dir, "new.txt"), "new\n");
    const sha = await workspaces.capture(ws, "Change things");
    const files = show(sha!, "--name-status", "--format=").split("\n").sort();
    expect(files).toEqual(["A\tnew.txt", "D\tshared.txt"]);
    expect(show(sha!, "--no-patch", "--format=%P")).toBe(remote.mainSha);
  });

  it("ignores build output listed in .gitignore", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    writeFileSync(join(ws.dir, ".gitignore"), "dist/\n");
    writeFileSync(join(ws.dir, "README.md"), "# widgets\nchanged\n");
    mkdirSync(join(ws.dir, "dist"));
    writeFileSync(join(ws.dir, "dist", "bundle.js"), "built");
    const sha = await workspaces.capture(ws, "Edit the readme");
    expect(show(sha!, "--name-only", "--format=").split("\n").sort()).toEqual([
      ".gitignore",
      "README.md",
    ]);
  });

  it("commits any message text as it is, even text that looks like an option", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    edit(ws, "a.txt", "x");
    const message = "--upload-pack=evil: a task title\n\nOrchestrate-Task: acme/widgets#9 t1";
    const sha = await workspaces.capture(ws, message);
    expect(show(sha!, "--no-patch", "--format=%B")).toBe(message);
  });

  it("takes the files of commits the agent made itself, under the worker's identity", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    edit(ws, "self.txt", "agent committed this");
    git(ws.dir, "add", "-A");
    git(
      ws.dir,
      "-c",
      "user.name=Someone Else",
      "-c",
      "user.email=someone@example.test",
      "commit",
      "--quiet",
      "-m",
      "agent's own commit",
    );
    const bot = { name: "orchestrate[bot]", email: "41+orchestrate[bot]@users.noreply.github.com" };
    const sha = await workspaces.capture(ws, "Task t1", bot);
    expect(sha).not.toBe(git(ws.dir, "rev-parse", "HEAD"));
    expect(show(sha!, "--no-patch", "--format=%an <%ae>|%cn <%ce>|%s|%P")).toBe(
      `${bot.name} <${bot.email}>|${bot.name} <${bot.email}>|Task t1|${remote.mainSha}`,
    );
    expect(show(sha!, "--name-only", "--format=")).toBe("self.txt");
  });

  it("refuses a change that holds a git repository of its own", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    mkdirSync(join(ws.dir, "vendor", "lib"), { recursive: true });
    git(join(ws.dir, "vendor", "lib"), "init", "--quiet");
    writeFileSync(join(ws.dir, "vendor", "lib", "x.txt"), "x\n");
    git(join(ws.dir, "vendor", "lib"), "add", "-A");
    git(join(ws.dir, "vendor", "lib"), "commit", "--quiet", "-m", "inner");
    const err = await workspaces.capture(ws, "t1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceError);
    expect((err as WorkspaceError).code).toBe("bad-change");
    expect((err as Error).message).toContain("vendor/lib");
  });

  it("is not swayed by hooks, filters, includes or a .git of the agent's", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "t1");
    const pwned = join(tempDir(), "pwned");
    const run = `sh -c 'echo $0 >> ${pwned}'`;
    // A clean filter for every file, a hook, an include and an fsmonitor in the agent's config.
    writeFileSync(join(ws.dir, ".gitattributes"), "* filter=evil\n");
    writeFileSync(join(ws.dir, "included"), `[core]\n\tfsmonitor = ${run} fsmonitor\n`);
    appendFileSync(
      join(ws.dir, ".git", "config"),
      `[filter "evil"]\n\tclean = ${run} filter\n\trequired = true\n[include]\n\tpath = ${join(ws.dir, "included")}\n`,
    );
    writeFileSync(join(ws.dir, ".git", "hooks", "pre-push"), `#!/bin/sh\n${run} hook\n`, {
      mode: 0o755,
    });
    edit(ws, "a.txt", "work");
    const sha = await workspaces.capture(ws, "t1");
    // Then the agent points its .git somewhere else entirely.
    rmSync(join(ws.dir, ".git"), { recursive: true, force: true });
    writeFileSync(join(ws.dir, ".git"), `gitdir: ${join(tempDir(), "decoy.git")}\n`);
    const pushed = await workspaces.push(ws, sha!, AUTH, async () => true);
    expect(pushed).toMatchObject({ ok: true, sha });
    expect(existsSync(pwned)).toBe(false);
    expect(git(remote.dir, "show", `${BRANCH}:a.txt`)).toBe("work");
  });
});

describe("Workspaces.push", () => {
  it("rebases onto a task that pushed first, re-verifies, and fast-forwards (no force)", async () => {
    const a = await commitOne("7-t1-a1", "a.txt", "from t1");
    const b = await commitOne("7-t2-a1", "b.txt", "from t2");
    const aPushed = await workspaces.push(a, a.sha, AUTH, async () => true);
    expect(aPushed).toMatchObject({ ok: true, rebased: false });

    let reverified = 0;
    const bPushed = await workspaces.push(b, b.sha, AUTH, async () => {
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

  it("reports a conflicting rebase as a conflict, leaving the remote and the files as they were", async () => {
    const a = await commitOne("7-t1-a1", "shared.txt", "t1 wrote this");
    const b = await commitOne("7-t2-a1", "shared.txt", "t2 wrote that");
    const aPushed = await workspaces.push(a, a.sha, AUTH, async () => true);

    let reverified = 0;
    const bPushed = await workspaces.push(b, b.sha, AUTH, async () => {
      reverified++;
      return true;
    });
    expect(bPushed).toMatchObject({ ok: false, reason: "conflict" });
    expect(!bPushed.ok && bPushed.detail).toMatch(/CONFLICT|conflict/);
    expect(reverified).toBe(0);
    expect(remoteBranch(remote, BRANCH)).toBe(aPushed.ok ? aPushed.sha : "");
    expect(readFileSync(join(b.dir, "shared.txt"), "utf8")).toBe("line 1\nt2 wrote that\n");
  });

  it("does not push when the re-verify after a rebase fails", async () => {
    const a = await commitOne("7-t1-a1", "a.txt", "from t1");
    const b = await commitOne("7-t2-a1", "b.txt", "from t2");
    const aPushed = await workspaces.push(a, a.sha, AUTH, async () => true);
    const bPushed = await workspaces.push(b, b.sha, AUTH, async () => false);
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
    const pushed = await workspaces.push(ws, ws.sha, AUTH, async () => true);
    expect(pushed).toMatchObject({ ok: false, reason: "rejected" });
    expect(!pushed.ok && pushed.detail).toContain("branch is frozen");
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("pushes the one group branch and nothing else: no tags, no other refs", async () => {
    const ws = await workspaces.prepare(remote.repo, BRANCH, AUTH, "t1");
    edit(ws, "a.txt", "work");
    git(ws.dir, "add", "-A");
    git(ws.dir, "commit", "--quiet", "-m", "agent's commit");
    git(ws.dir, "tag", "-a", "-m", "planted", "v9.9.9");
    git(ws.dir, "branch", "planted");
    git(ws.dir, "config", "push.followTags", "true");
    git(ws.dir, "config", "remote.origin.push", "+refs/*:refs/*");
    const sha = await workspaces.capture(ws, "t1");
    await workspaces.push(ws, sha!, AUTH, async () => true);
    expect(git(remote.dir, "for-each-ref", "--format=%(refname)").split("\n").sort()).toEqual(
      ["refs/heads/main", `refs/heads/${BRANCH}`].sort(),
    );
  });

  it("mints a token for each network command and revokes it when the command ends", async () => {
    const log: string[] = [];
    let n = 0;
    const tokens: GitTokens = async (access) => {
      const value = `${TOKEN}${++n}`;
      log.push(`mint ${access} ${n}`);
      return { value, revoke: async () => void log.push(`revoke ${n}`) };
    };
    const ws = await workspaces.prepare(remote.repo, BRANCH, tokens, "t1");
    edit(ws, "a.txt", "work");
    const sha = await workspaces.capture(ws, "t1");
    await workspaces.push(ws, sha!, tokens, async () => true);
    expect(log).toEqual(["mint read 1", "revoke 1", "mint write 2", "revoke 2"]);
  });
});

describe("Workspaces.remove and headOf", () => {
  it("removes the attempt's folders and tolerates a directory the agent already deleted", async () => {
    const kept = await workspaces.prepare(remote.repo, BRANCH, NONE, "kept");
    const deleted = await workspaces.prepare(remote.repo, BRANCH, NONE, "deleted");
    rmSync(deleted.dir, { recursive: true, force: true });
    expect(await workspaces.isIntact(deleted)).toBe(false);
    expect(await workspaces.isIntact(kept)).toBe(true);
    await workspaces.remove(deleted);
    await workspaces.remove(kept);
    for (const ws of [kept, deleted]) {
      for (const dir of [ws.dir, ws.home, ws.io]) expect(existsSync(dir)).toBe(false);
    }
  });

  it("cleanup removes attempt folders a dead process left behind", async () => {
    const left = await workspaces.prepare(remote.repo, BRANCH, NONE, "left-behind");
    await new Workspaces({ root, identity }).cleanup();
    expect(existsSync(left.dir)).toBe(false);
    const again = await workspaces.prepare(remote.repo, BRANCH, NONE, "after-cleanup");
    expect(again.baseSha).toBe(remote.mainSha);
  });

  it("headOf reads a remote branch's tip, or null", async () => {
    expect(await workspaces.headOf(remote.repo, "main", AUTH)).toBe(remote.mainSha);
    expect(await workspaces.headOf(remote.repo, BRANCH, AUTH)).toBeNull();
  });
});

describe("the installation token", () => {
  it("is never written into the cache, the agent's folders or the cache root", async () => {
    const ws = await commitOne("7-t1-a1", "a.txt", "from t1");
    await workspaces.push(ws, ws.sha, AUTH, async () => true);
    await workspaces.headOf(remote.repo, BRANCH, AUTH);
    const cacheConfig = readFileSync(join(root, "repos", "acme", "widgets.git", "config"), "utf8");
    expect(cacheConfig).not.toContain(TOKEN);
    expect(cacheConfig).not.toContain("extraheader");
    expect(filesContaining(root, [TOKEN, TOKEN_B64])).toEqual([]);
    expect(filesContaining(remote.dir, [TOKEN, TOKEN_B64])).toEqual([]);
  });

  it("is scrubbed from git's error messages", async () => {
    const base = tempDir();
    const repo = { ...remote.repo, cloneUrl: join(base, `missing-${TOKEN}.git`) };
    const err = await workspaces.prepare(repo, BRANCH, AUTH, "t1").catch((e: unknown) => e);
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
      const err = await workspaces.prepare(repo, BRANCH, AUTH, "t1").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkspaceError);
      expect((err as Error).message).not.toContain(TOKEN);
      expect((err as Error).message).not.toContain(TOKEN_B64);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!.authorization).toBe(`Basic ${TOKEN_B64}`);
      expect(seen[0]!.url ?? "").not.toContain(TOKEN);

      const headErr = await workspaces.headOf(repo, "main", AUTH).catch((e: unknown) => e);
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
      await expect(workspaces.headOf(repo, "main", NONE)).rejects.toBeInstanceOf(WorkspaceError);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((h) => h.authorization === undefined)).toBe(true);
    } finally {
      server.close();
    }
  });
});
