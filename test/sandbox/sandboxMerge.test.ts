import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit } from "./sandboxClient.js";

// Merging and retargeting pull requests by GitHub's documented rules: `PUT .../merge` makes a
// merge commit (405 when it cannot, 409 on a stale `sha`), `PATCH .../pulls/N` moves an open PR
// onto an existing branch other than its head (and says so in pull_request.edited, with
// `changes.base`), and deleting a merged PR's head branch retargets the PRs based on it.

let sandbox: Sandbox;
let octokit: Octokit;
let receiver: Server;
const received: Array<{ event: string; body: Record<string, unknown> }> = [];
const FULL = "acme/stack";
const repo = { owner: "acme", repo: "stack" };

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const { installationId } = await sandbox.createRepo({
    owner: "acme",
    name: "stack",
    files: { "a.txt": "a\n" },
  });
  octokit = installationOctokit(sandbox, installationId);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        event: String(req.headers["x-github-event"]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      res.writeHead(202).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  sandbox.setWebhookTarget({
    url: `http://127.0.0.1:${port}/hooks`,
    secret: "s",
    appEvents: true,
  });
});
afterEach(() => sandbox.assertFidelity());
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** A branch off `from` with one commit writing `file`, and its PR onto `from`. */
async function stackedPull(branch: string, from: string, file: string) {
  const base = (await octokit.rest.git.getRef({ ...repo, ref: `heads/${from}` })).data.object.sha;
  await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: base });
  const sha = await sandbox.commit(FULL, {
    branch,
    files: { [file]: `${branch}\n` },
    message: branch,
  });
  const { data } = await octokit.rest.pulls.create({
    ...repo,
    title: branch,
    head: branch,
    base: from,
  });
  return { number: data.number, sha };
}

const edited = (number: number) =>
  received.filter(
    (r) =>
      r.event === "pull_request" &&
      r.body["action"] === "edited" &&
      (r.body["pull_request"] as { number: number }).number === number,
  );

describe("merging a pull request", () => {
  it("refuses a stale sha (409), merges with a merge commit, then refuses again (405)", async () => {
    const { number, sha } = await stackedPull("m1", "main", "m1.txt");
    await expect(
      octokit.rest.pulls.merge({ ...repo, pull_number: number, sha: "0".repeat(40) }),
    ).rejects.toMatchObject({ status: 409 });
    const { data } = await octokit.rest.pulls.merge({ ...repo, pull_number: number, sha });
    expect(data).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
    const main = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    expect(main).toBe(data.sha);
    const gitDir = sandbox.state.repos.get(FULL)?.gitDir ?? "";
    const parents = execFileSync("git", ["--git-dir", gitDir, "log", "-1", "--format=%P", main]);
    expect(parents.toString().trim().split(" ")).toEqual([expect.any(String), sha]);
    const pull = (await octokit.rest.pulls.get({ ...repo, pull_number: number })).data;
    expect(pull).toMatchObject({ state: "closed", merged: true, merge_commit_sha: data.sha });
    await expect(octokit.rest.pulls.merge({ ...repo, pull_number: number })).rejects.toMatchObject({
      status: 405,
    });
  });

  it("refuses a pull request that conflicts with its base (405)", async () => {
    const { number } = await stackedPull("c1", "main", "a.txt");
    await sandbox.commit(FULL, { branch: "main", files: { "a.txt": "other\n" }, message: "x" });
    await expect(octokit.rest.pulls.merge({ ...repo, pull_number: number })).rejects.toMatchObject({
      status: 405,
    });
  });
});

describe("retargeting a pull request", () => {
  it("moves an open PR onto an existing branch, with pull_request.edited naming the old base", async () => {
    const parent = await stackedPull("r1", "main", "r1.txt");
    const child = await stackedPull("r2", "r1", "r2.txt");
    await expect(
      octokit.rest.pulls.update({ ...repo, pull_number: child.number, base: "nowhere" }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.pulls.update({ ...repo, pull_number: child.number, base: "r2" }),
    ).rejects.toMatchObject({ status: 422 });
    const { data } = await octokit.rest.pulls.update({
      ...repo,
      pull_number: child.number,
      base: "main",
    });
    expect(data.base.ref).toBe("main");
    await sandbox.webhooksSettled();
    expect(edited(child.number).map((e) => e.body["changes"])).toEqual([
      { base: { ref: { from: "r1" }, sha: { from: expect.any(String) } } },
    ]);
    await octokit.rest.pulls.update({ ...repo, pull_number: parent.number, state: "closed" });
    await expect(
      octokit.rest.pulls.update({ ...repo, pull_number: parent.number, base: "r2" }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: { errors: [{ message: "Cannot change the base branch of a closed pull request." }] },
      },
    });
  });

  it("follows a merged PR's deleted head branch onto its base, and closes PRs on a branch deleted unmerged", async () => {
    const parent = await stackedPull("d1", "main", "d1.txt");
    const child = await stackedPull("d2", "d1", "d2.txt");
    const orphan = await stackedPull("o1", "main", "o1.txt");
    const onOrphan = await stackedPull("o2", "o1", "o2.txt");
    await sandbox.closePull(FULL, parent.number, true);
    await sandbox.deleteBranch(FULL, "d1");
    await sandbox.deleteBranch(FULL, "o1");
    await sandbox.webhooksSettled();
    const get = async (n: number) =>
      (await octokit.rest.pulls.get({ ...repo, pull_number: n })).data;
    expect(await get(child.number)).toMatchObject({ state: "open", base: { ref: "main" } });
    expect(edited(child.number).map((e) => e.body["changes"])).toEqual([
      { base: { ref: { from: "d1" }, sha: { from: expect.any(String) } } },
    ]);
    expect(await get(onOrphan.number)).toMatchObject({ state: "closed", merged: false });
    expect(await get(orphan.number)).toMatchObject({ state: "closed", merged: false });
  });
});
