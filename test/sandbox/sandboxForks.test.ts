import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import type { SandboxPull } from "../../src/sandbox/state.js";
import { appOctokit, git, installationOctokit } from "./sandboxClient.js";

// Pull requests from forks, as github.com has them: the head is a branch of the fork, and the
// App installed on the base may push there only as a maintainer's edit the PR's author allowed.

let sandbox: Sandbox;
let octokit: Octokit;
let installationId: number;
let work: string;
let allowed: SandboxPull;
let locked: SandboxPull;
const base = { owner: "acme", repo: "widgets" };
const BASE = "acme/widgets";
const FORK = "contrib/widgets";

/** A token of the base's installation for the base repository alone, as the App mints for git. */
async function baseToken(permissions: Record<string, "read" | "write"> = { contents: "write" }) {
  const { data } = await appOctokit(sandbox).rest.apps.createInstallationAccessToken({
    installation_id: installationId,
    repositories: ["widgets"],
    permissions,
  });
  return data.token;
}

/** A clone of the fork at `branch`, with one more commit of `files`. */
async function forkChange(
  token: string,
  name: string,
  branch: string,
  files: Record<string, string>,
): Promise<string> {
  const dir = join(work, name);
  await git(work, token, ["clone", "--quiet", "--branch", branch, sandbox.cloneUrl(FORK), dir]);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await git(dir, token, ["add", "-A"]);
  await git(dir, token, ["commit", "-q", "-m", `change in ${name}`]);
  return dir;
}

const tip = async (repo: string, branch: string) =>
  (await sandbox.branches(repo)).find((b) => b.name === branch)?.sha;

/** The git requests the sandbox refused since `from`, as status lines. */
const refusedGit = (from: number) =>
  sandbox.state.requests
    .slice(from)
    .filter((r) => r.operation === "git" && r.status >= 400)
    .map((r) => r.status);

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const created = await sandbox.createRepo({ owner: "acme", name: "widgets" });
  installationId = created.installationId;
  octokit = installationOctokit(sandbox, installationId);
  work = await mkdtemp(join(tmpdir(), "sandbox-forks-test-"));
  await sandbox.forkRepo(BASE, { owner: "contrib" });
  // The fork's branch is named like the base's default branch: it must never land there.
  await sandbox.commit(FORK, {
    branch: "main",
    files: { "fix.md": "a fix\n" },
    message: "A fix",
    author: "contrib",
  });
  await sandbox.commit(FORK, {
    branch: "locked",
    files: { "locked.md": "mine\n" },
    message: "Mine",
    author: "contrib",
  });
  await sandbox.commit(FORK, {
    branch: "other",
    files: { "other.md": "other\n" },
    message: "Other work",
    author: "contrib",
  });
  allowed = await sandbox.openPull(BASE, { user: "contrib", head: "contrib:main", title: "Fix" });
  locked = await sandbox.openPull(BASE, {
    user: "contrib",
    head: "contrib:locked",
    title: "Locked",
    maintainerCanModify: false,
  });
});
afterEach(() => sandbox.assertFidelity());
afterAll(async () => {
  await sandbox.close();
  await rm(work, { recursive: true, force: true });
});

describe("sandbox forks", () => {
  it("a fork is its own repository, owned by the forker, with GitHub's fork, parent and source", async () => {
    // The fork's owner installs the App on another repository of theirs: that installation
    // covers the fork only when it is named.
    const other = await sandbox.createRepo({ owner: "forker", name: "mine" });
    await sandbox.forkRepo(BASE, { owner: "forker", installationId: other.installationId });
    const forker = installationOctokit(sandbox, other.installationId);
    const { data: fork } = await forker.rest.repos.get({ owner: "forker", repo: "widgets" });
    expect(fork).toMatchObject({
      full_name: "forker/widgets",
      fork: true,
      owner: { login: "forker" },
      parent: { full_name: BASE, fork: false },
      source: { full_name: BASE },
    });
    const { data: upstream } = await octokit.rest.repos.get(base);
    expect(upstream).toMatchObject({ fork: false, forks_count: 2 });
    expect(upstream).not.toHaveProperty("parent");
    // History is shared: the fork starts at the base's default branch.
    expect(await tip("forker/widgets", "main")).toBe(await tip(BASE, "main"));
  });

  it("a PR from a fork: head is the fork's branch, maintainer_can_modify as its author set it, refs/pull/N/head in the base", async () => {
    const { data } = await octokit.rest.pulls.get({ ...base, pull_number: allowed.number });
    const forkMain = await tip(FORK, "main");
    expect(data).toMatchObject({
      maintainer_can_modify: true,
      head: {
        label: "contrib:main",
        ref: "main",
        sha: forkMain,
        user: { login: "contrib" },
        repo: { full_name: FORK, fork: true },
      },
      base: { label: "acme:main", ref: "main", repo: { full_name: BASE } },
      changed_files: 1,
    });
    const second = await octokit.rest.pulls.get({ ...base, pull_number: locked.number });
    expect(second.data.maintainer_can_modify).toBe(false);
    const listed = await octokit.rest.pulls.list({ ...base, head: "contrib:main" });
    expect(listed.data.map((p) => p.number)).toEqual([allowed.number]);
    expect((await octokit.rest.pulls.list({ ...base, head: "acme:main" })).data).toEqual([]);
    const refs = await git(work, await baseToken(), [
      "ls-remote",
      sandbox.cloneUrl(BASE),
      `refs/pull/${allowed.number}/head`,
    ]);
    expect(refs.split(/\s+/)[0]).toBe(forkMain);
    // The base's own branches are untouched.
    expect((await sandbox.branches(BASE)).map((b) => b.name)).toEqual(["main"]);
  });

  it("the pulls API opens a PR from a fork and sets maintainer_can_modify", async () => {
    const { data: opened } = await octokit.rest.pulls.create({
      ...base,
      title: "Other work",
      head: "contrib:other",
      base: "main",
      maintainer_can_modify: false,
    });
    expect(opened).toMatchObject({
      maintainer_can_modify: false,
      head: { label: "contrib:other", repo: { full_name: FORK } },
    });
    const { data: edited } = await octokit.rest.pulls.update({
      ...base,
      pull_number: opened.number,
      maintainer_can_modify: true,
      state: "closed",
    });
    expect(edited).toMatchObject({ maintainer_can_modify: true, state: "closed" });
    await expect(
      octokit.rest.pulls.create({ ...base, title: "x", head: "nobody:main", base: "main" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("the base installation's token pushes the head branch of a PR that allows maintainer edits, and the PR follows", async () => {
    const token = await baseToken();
    const baseMain = await tip(BASE, "main");
    const dir = await forkChange(token, "allowed", "main", { "fix.md": "a better fix\n" });
    const sha = (await git(dir, token, ["rev-parse", "HEAD"])).trim();
    await git(dir, token, ["push", "-q", "origin", "main"]);
    expect(await tip(FORK, "main")).toBe(sha);
    const { data } = await octokit.rest.pulls.get({ ...base, pull_number: allowed.number });
    expect(data.head.sha).toBe(sha);
    // Nothing landed on the base: its main and its branches are as they were.
    expect(await tip(BASE, "main")).toBe(baseMain);
    expect((await sandbox.branches(BASE)).map((b) => b.name)).toEqual(["main"]);
  });

  it("refuses the fork's other branches, new branches and deletions ref by ref, as GitHub does", async () => {
    const token = await baseToken();
    const before = await sandbox.branches(FORK);
    const dir = await forkChange(token, "other", "other", { "other.md": "changed\n" });
    const rejected = (ref: string) =>
      new RegExp(`\\[remote rejected\\] .*${ref} \\(permission denied\\)`);
    await expect(git(dir, token, ["push", "origin", "other"])).rejects.toThrow(rejected("other"));
    await expect(git(dir, token, ["push", "origin", "HEAD:refs/heads/brand-new"])).rejects.toThrow(
      rejected("brand-new"),
    );
    await expect(git(dir, token, ["push", "origin", ":main"])).rejects.toThrow(rejected("main"));
    expect(await sandbox.branches(FORK)).toEqual(before);
  });

  it("refuses a fork with no PR open for maintainer edits with GitHub's 403 before anything is sent", async () => {
    const token = await baseToken();
    await sandbox.forkRepo(BASE, { owner: "quiet" });
    await sandbox.commit("quiet/widgets", {
      branch: "idea",
      files: { "idea.md": "an idea\n" },
      message: "Idea",
      author: "quiet",
    });
    const dir = join(work, "quiet");
    await git(work, token, [
      "clone",
      "--quiet",
      "--branch",
      "idea",
      sandbox.cloneUrl("quiet/widgets"),
      dir,
    ]);
    await writeFile(join(dir, "idea.md"), "a better idea\n");
    await git(dir, token, ["commit", "-qam", "better"]);
    const from = sandbox.state.requests.length;
    await expect(git(dir, token, ["push", "origin", "idea"])).rejects.toThrow(
      /Permission to quiet\/widgets\.git denied to orchestrate\[bot\]/,
    );
    expect(refusedGit(from)).toEqual([403]);
  });

  it("refuses the head branch of a PR whose author did not allow maintainer edits, until they tick the box", async () => {
    const token = await baseToken();
    const before = await tip(FORK, "locked");
    const dir = await forkChange(token, "locked", "locked", { "locked.md": "edited\n" });
    await expect(git(dir, token, ["push", "origin", "locked"])).rejects.toThrow(
      /\[remote rejected\] locked -> locked \(permission denied\)/,
    );
    expect(await tip(FORK, "locked")).toBe(before);
    sandbox.setMaintainerCanModify(BASE, locked.number, true);
    await git(dir, token, ["push", "-q", "origin", "locked"]);
    expect(await tip(FORK, "locked")).toBe((await git(dir, token, ["rev-parse", "HEAD"])).trim());
    sandbox.setMaintainerCanModify(BASE, locked.number, false);
  });

  it("a push there that touches .github/workflows/ needs the workflows permission, as on the base", async () => {
    const token = await baseToken();
    const before = await tip(FORK, "main");
    const dir = await forkChange(token, "workflow", "main", {
      ".github/workflows/ci.yml": "on: push\n",
    });
    await expect(git(dir, token, ["push", "-q", "origin", "main"])).rejects.toThrow(
      /refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/ci\.yml` without `workflows` permission/,
    );
    expect(await tip(FORK, "main")).toBe(before);
    sandbox.setInstallationPermissions(BASE, {
      metadata: "read",
      contents: "write",
      pull_requests: "write",
      workflows: "write",
    });
    await git(dir, await baseToken({ contents: "write", workflows: "write" }), [
      "push",
      "-q",
      "origin",
      "main",
    ]);
    expect(await tip(FORK, "main")).not.toBe(before);
    delete sandbox.state.installations.get(installationId)?.permissions;
  });

  it("a PR whose fork was deleted keeps its label and reports head.repo null", async () => {
    await sandbox.forkRepo(BASE, { owner: "leaver" });
    await sandbox.commit("leaver/widgets", {
      branch: "gone",
      files: { "gone.md": "soon gone\n" },
      message: "Gone",
      author: "leaver",
    });
    const pull = await sandbox.openPull(BASE, {
      user: "leaver",
      head: "leaver:gone",
      title: "Gone",
    });
    await sandbox.deleteRepo("leaver/widgets");
    const { data } = await octokit.rest.pulls.get({ ...base, pull_number: pull.number });
    expect(data).toMatchObject({ state: "open", head: { label: "leaver:gone", repo: null } });
    expect(data.changed_files).toBe(1);
  });
});
