import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { conflictHunks } from "../../src/worker/catchUpAttempt.js";
import { fixedToken, Workspaces } from "../../src/worker/workspace.js";
import { git, identity, makeRemote, type Remote, removeTempDirs, tempDir } from "./gitFixtures.js";

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

const BRANCH = "orchestrate/9-ui";
const NONE = fixedToken(null);

afterAll(removeTempDirs);

let remote: Remote;
let workspaces: Workspaces;
let seed: string;
let root: string;
beforeEach(() => {
  const base = tempDir();
  remote = makeRemote(base);
  root = join(base, "workspaces");
  workspaces = new Workspaces({ root, identity });
  seed = join(base, "person");
  git(base, "clone", "--quiet", remote.dir, seed);
});

/** A person's commit of `file` = `text` on `branch` (created from main when new), pushed. */
function push(branch: string, file: string, text: string): string {
  git(seed, "checkout", "--quiet", "-B", branch, "origin/main");
  if (branch !== "main") {
    try {
      git(seed, "fetch", "--quiet", "origin", branch);
      git(seed, "reset", "--quiet", "--hard", "FETCH_HEAD");
    } catch {
      // a new branch
    }
  }
  writeFileSync(join(seed, file), text);
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", `${file} on ${branch}`);
  git(seed, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
  git(seed, "fetch", "--quiet", "origin");
  return git(seed, "rev-parse", "HEAD");
}

describe("Workspaces.mergeBase and captureMerge", () => {
  it("merges a clean base into the branch as a two-parent commit the push fast-forwards", async () => {
    const head = push(BRANCH, "ui.txt", "ui\n");
    const main = push("main", "main.txt", "main\n");
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "m1");
    const merge = await workspaces.mergeBase(ws, "main");
    if (merge.upToDate) throw new Error("expected a merge");
    expect(merge.conflicts).toEqual([]);
    expect(readFileSync(join(ws.dir, "main.txt"), "utf8")).toBe("main\n");
    const sha = await workspaces.captureMerge(ws, merge, "Merge branch 'main'");
    const pushed = await workspaces.push(ws, sha, NONE, async () => false, false);
    expect(pushed).toMatchObject({ ok: true, sha });
    expect(git(remote.dir, "show", "-s", "--format=%P", BRANCH).split(" ")).toEqual([head, main]);
    // Merged again: nothing left to do.
    const again = await workspaces.prepare(remote.repo, BRANCH, NONE, "m2");
    expect(await workspaces.mergeBase(again, "main")).toEqual({ upToDate: true });
  });

  it("leaves conflict markers for the agent and refuses a result that still holds them", async () => {
    push(BRANCH, "shared.txt", "line 1\nfrom the branch\n");
    push("main", "shared.txt", "line 1\nfrom main\n");
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "c1");
    const merge = await workspaces.mergeBase(ws, "main");
    if (merge.upToDate) throw new Error("expected a merge");
    expect(merge.conflicts).toEqual(["shared.txt"]);
    const marked = readFileSync(join(ws.dir, "shared.txt"), "utf8");
    expect(conflictHunks(marked)).toMatch(/^<{7} .*\nfrom the branch\n={7}\nfrom main\n>{7} /);
    await expect(workspaces.captureMerge(ws, merge, "Merge")).rejects.toMatchObject({
      code: "bad-change",
      message: expect.stringContaining("conflict markers are left in shared.txt"),
    });
    writeFileSync(join(ws.dir, "shared.txt"), "line 1\nfrom the branch\nfrom main\n");
    const sha = await workspaces.captureMerge(ws, merge, "Merge");
    const cache = join(root, "repos", "acme", "widgets.git");
    expect(
      execFileSync("git", ["--git-dir", cache, "show", `${sha}:shared.txt`], { encoding: "utf8" }),
    ).toBe("line 1\nfrom the branch\nfrom main\n");
  });

  it("rebases the branch's own commits onto the base and pushes them with a lease, or leaves it to a merge", async () => {
    git(remote.dir, "config", "receive.denyNonFastForwards", "false");
    const old = push(BRANCH, "ui.txt", "ui\n");
    const main = push("main", "main.txt", "main\n");
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "r1");
    const rebased = await workspaces.rebaseOnto(ws, "main");
    if (rebased === null || rebased === "up-to-date") throw new Error("expected a rebase");
    expect(git(remote.dir, "rev-parse", BRANCH)).toBe(old);
    // Someone pushed meanwhile: the lease fails and nothing of theirs is overwritten.
    const theirs = push(BRANCH, "theirs.txt", "theirs\n");
    expect(await workspaces.pushRewritten(ws, rebased.sha, NONE, old)).toBe(false);
    expect(git(remote.dir, "rev-parse", BRANCH)).toBe(theirs);

    const again = await workspaces.prepare(remote.repo, BRANCH, NONE, "r2");
    const series = await workspaces.rebaseOnto(again, "main");
    if (series === null || series === "up-to-date") throw new Error("expected a rebase");
    expect(await workspaces.pushRewritten(again, series.sha, NONE, theirs)).toBe(true);
    // A new series on the new base: the same two changes, one parent each, the base first.
    const log = git(remote.dir, "log", "--format=%P %s", BRANCH, "^main").split("\n");
    expect(log).toEqual([
      expect.stringMatching(/^[0-9a-f]{40} theirs\.txt on /),
      `${git(remote.dir, "rev-parse", `${BRANCH}~1~1`)} ui.txt on ${BRANCH}`,
    ]);
    expect(git(remote.dir, "rev-parse", `${BRANCH}~2`)).toBe(main);

    // A change main's own commit conflicts with does not replay: the caller merges instead.
    push("main", "ui.txt", "ui from main\n");
    const clash = await workspaces.prepare(remote.repo, BRANCH, NONE, "r3");
    expect(await workspaces.rebaseOnto(clash, "main")).toBeNull();
  });

  it("says plainly when a rewritten base shares no history with the branch", async () => {
    git(remote.dir, "config", "receive.denyNonFastForwards", "false");
    push(BRANCH, "ui.txt", "ui\n");
    git(seed, "checkout", "--quiet", "--orphan", "rewritten");
    writeFileSync(join(seed, "other.txt"), "other\n");
    git(seed, "add", "-A");
    git(seed, "commit", "--quiet", "-m", "unrelated");
    git(seed, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/main");
    const ws = await workspaces.prepare(remote.repo, BRANCH, NONE, "u1");
    await expect(workspaces.mergeBase(ws, "main")).rejects.toMatchObject({
      message: expect.stringContaining("shares no history with orchestrate/9-ui"),
    });
  });
});
