import { execFileSync } from "node:child_process";
import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit } from "./sandboxClient.js";

// A pull request's branch against a base that moved: GitHub's mergeability (null while its
// background job computes it), the compare API, and "Update branch", all from real git.

let sandbox: Sandbox;
let octokit: Octokit;
const repo = { owner: "acme", repo: "stale" };
const full = "acme/stale";

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const created = await sandbox.createRepo({
    owner: "acme",
    name: "stale",
    files: { "a.txt": "a\n", "b.txt": "b\n" },
  });
  octokit = installationOctokit(sandbox, created.installationId);
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

const git = (args: string[]) =>
  execFileSync("git", ["--git-dir", sandbox.state.repos.get(full)?.gitDir ?? "", ...args], {
    encoding: "utf8",
  });
const tip = async (branch: string) =>
  (await sandbox.branches(full)).find((b) => b.name === branch)?.sha ?? "";

async function pullFrom(branch: string, files: Record<string, string>) {
  const head = await sandbox.commit(full, { branch, files, message: `work on ${branch}` });
  const { data } = await octokit.rest.pulls.create({
    ...repo,
    title: branch,
    head: branch,
    base: "main",
  });
  return { number: data.number, head };
}

/** GitHub's documented way: ask again until `mergeable` is no longer null. */
async function settled(pull: number) {
  for (;;) {
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pull });
    if (data.mergeable !== null) return data;
  }
}

describe("a pull request whose base moved", () => {
  it("reports mergeable null first, then its value, with compare's behind_by; update-branch merges the base in", async () => {
    const pull = await pullFrom("clean", { "c.txt": "c\n" });
    await sandbox.commit(full, {
      branch: "main",
      files: { "m.txt": "m\n" },
      message: "main moves",
    });
    const first = await octokit.rest.pulls.get({ ...repo, pull_number: pull.number });
    expect([first.data.mergeable, first.data.mergeable_state]).toEqual([null, "unknown"]);
    // `behind` is GitHub's word only under a protection that requires up-to-date branches.
    expect(await settled(pull.number)).toMatchObject({ mergeable: true, mergeable_state: "clean" });
    const { data: compare } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `main...${pull.head}`,
    });
    expect(compare).toMatchObject({
      status: "diverged",
      behind_by: 1,
      ahead_by: 1,
      total_commits: 1,
    });
    expect(compare.commits.map((c) => c.sha)).toEqual([pull.head]);

    // expected_head_sha that is not the head: refused, nothing moves.
    await expect(
      octokit.rest.pulls.updateBranch({
        ...repo,
        pull_number: pull.number,
        expected_head_sha: "0".repeat(40),
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(await tip("clean")).toBe(pull.head);

    const main = await tip("main");
    const updated = await octokit.rest.pulls.updateBranch({
      ...repo,
      pull_number: pull.number,
      expected_head_sha: pull.head,
    });
    expect(updated.status).toBe(202);
    const [parents, subject] = git(["show", "-s", "--format=%P%x00%s", await tip("clean")]).split(
      "\0",
    );
    expect(parents?.split(" ")).toEqual([pull.head, main]);
    expect(subject?.trim()).toBe("Merge branch 'main' into clean");
    expect(await settled(pull.number)).toMatchObject({ mergeable: true, mergeable_state: "clean" });
    const files = await octokit.rest.pulls.listFiles({ ...repo, pull_number: pull.number });
    expect(files.data.map((f) => f.filename)).toEqual(["c.txt"]);
    // Up to date: nothing to merge.
    await expect(
      octokit.rest.pulls.updateBranch({ ...repo, pull_number: pull.number }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("is dirty on a conflict, and update-branch refuses it with a 422", async () => {
    const pull = await pullFrom("clash", { "a.txt": "a from the branch\n" });
    await sandbox.commit(full, {
      branch: "main",
      files: { "a.txt": "a from main\n" },
      message: "main edits a",
    });
    expect(await settled(pull.number)).toMatchObject({
      mergeable: false,
      mergeable_state: "dirty",
    });
    await expect(
      octokit.rest.pulls.updateBranch({ ...repo, pull_number: pull.number }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining("merge conflict") });
    expect(await tip("clash")).toBe(pull.head);
  });

  it("after a force-push of the base, compares from the new merge base", async () => {
    const before = await tip("main");
    const pull = await pullFrom("rewritten", { "r.txt": "r\n" });
    const dropped = await sandbox.commit(full, {
      branch: "main",
      files: { "x.txt": "x\n" },
      message: "soon gone",
    });
    const rewritten = await sandbox.forcePush(full, {
      branch: "main",
      onto: before,
      files: { "y.txt": "y\n" },
      message: "history rewritten",
    });
    const { data: compare } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `main...${pull.head}`,
    });
    expect(compare.merge_base_commit.sha).toBe(before);
    expect(compare.base_commit.sha).toBe(rewritten);
    expect(compare.behind_by).toBe(1);
    expect(rewritten).not.toBe(dropped);
  });
});
