import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { git, installationOctokit, installationToken } from "./sandboxClient.js";

let sandbox: Sandbox;
let octokit: Octokit;
let token: string;
let work: string;
const repo = { owner: "acme", repo: "widgets" };

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const created = await sandbox.createRepo({
    owner: "acme",
    name: "widgets",
    files: { "README.md": "# widgets\n", "src/a.ts": "export const a = 1;\n" },
  });
  octokit = installationOctokit(sandbox, created.installationId);
  token = await installationToken(sandbox, created.installationId);
  work = await mkdtemp(join(tmpdir(), "sandbox-git-test-"));
});
afterEach(() => sandbox.assertFidelity());
afterAll(async () => {
  await sandbox.close();
  await rm(work, { recursive: true, force: true });
});

async function cloneFresh(name: string): Promise<string> {
  const dir = join(work, name);
  await git(work, token, ["clone", "--quiet", sandbox.cloneUrl("acme/widgets"), dir]);
  return dir;
}

describe("sandbox git smart HTTP", () => {
  it("refuses git without a token, with a Basic challenge", async () => {
    const res = await fetch(
      `${sandbox.cloneUrl("acme/widgets")}/info/refs?service=git-upload-pack`,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitHub"');
    await expect(
      git(work, "ghs_wrong", ["ls-remote", sandbox.cloneUrl("acme/widgets")]),
    ).rejects.toThrow();
  });

  it("accepts a gzip-compressed fetch negotiation, as git sends for large ones", async () => {
    const main = (await sandbox.branches("acme/widgets")).find((b) => b.name === "main")!.sha;
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
    const negotiation = `${pkt(`want ${main} ofs-delta\n`)}0000${pkt("done\n")}`;
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    const res = await fetch(`${sandbox.cloneUrl("acme/widgets")}/git-upload-pack`, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-git-upload-pack-request",
        "content-encoding": "gzip",
      },
      body: gzipSync(negotiation),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 8).toString()).toBe("0008NAK\n");
    expect(body.includes(Buffer.from("PACK"))).toBe(true);
  });

  it("clones, pushes a branch that refs and pulls then see, and refuses a duplicate PR", async () => {
    const dir = await cloneFresh("one");
    await git(dir, token, ["checkout", "-q", "-b", "orchestrate/1-api"]);
    await writeFile(join(dir, "src/a.ts"), "export const a = 2;\nexport const b = 3;\n");
    await writeFile(join(dir, "src/new.ts"), "export {};\n");
    await git(dir, token, ["add", "-A"]);
    await git(dir, token, ["commit", "-q", "-m", "api"]);
    await git(dir, token, ["push", "-q", "origin", "orchestrate/1-api"]);
    const headSha = (await git(dir, token, ["rev-parse", "HEAD"])).trim();

    expect(await sandbox.branches("acme/widgets")).toContainEqual({
      name: "orchestrate/1-api",
      sha: headSha,
    });
    const ref = await octokit.rest.git.getRef({ ...repo, ref: "heads/orchestrate/1-api" });
    expect(ref.data.object.sha).toBe(headSha);
    const matching = await octokit.rest.git.listMatchingRefs({
      ...repo,
      ref: "heads/orchestrate/",
    });
    expect(matching.data.map((r) => r.ref)).toEqual(["refs/heads/orchestrate/1-api"]);
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: "orchestrate/1-api" });
    expect(branch.data.commit.sha).toBe(headSha);

    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      title: "API",
      head: "orchestrate/1-api",
      base: "main",
      body: "Closes #1",
    });
    expect(pull.head.sha).toBe(headSha);
    expect(pull).toMatchObject({ additions: 3, deletions: 1, changed_files: 2, commits: 1 });
    await expect(
      octokit.rest.pulls.create({
        ...repo,
        title: "again",
        head: "acme:orchestrate/1-api",
        base: "main",
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          errors: [{ message: "A pull request already exists for acme:orchestrate/1-api." }],
        },
      },
    });
    await expect(
      octokit.rest.pulls.create({ ...repo, title: "nope", head: "no-such-branch", base: "main" }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.pulls.create({ ...repo, title: "empty", head: "main", base: "main" }),
    ).rejects.toMatchObject({ status: 422 });

    const listed = await octokit.rest.pulls.list({
      ...repo,
      head: "acme:orchestrate/1-api",
      state: "open",
    });
    expect(listed.data.map((p) => p.number)).toEqual([pull.number]);
    const files = await octokit.rest.pulls.listFiles({ ...repo, pull_number: pull.number });
    expect(files.data.map((f) => [f.filename, f.status])).toEqual([
      ["src/a.ts", "modified"],
      ["src/new.ts", "added"],
    ]);
    // a PR is an issue: issue comments work on it
    await octokit.rest.issues.createComment({ ...repo, issue_number: pull.number, body: "status" });
    expect(
      (await octokit.rest.issues.get({ ...repo, issue_number: pull.number })).data.pull_request,
    ).toBeTruthy();
  });

  it("follows pushes: head sha moves, threads on changed files become outdated", async () => {
    const dir = await cloneFresh("two");
    await git(dir, token, ["checkout", "-q", "-b", "orchestrate/2-ui"]);
    await writeFile(join(dir, "ui.ts"), "line1\nline2\n");
    await writeFile(join(dir, "other.ts"), "x\n");
    await git(dir, token, ["add", "-A"]);
    await git(dir, token, ["commit", "-q", "-m", "ui"]);
    await git(dir, token, ["push", "-q", "origin", "HEAD"]);
    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      title: "UI",
      head: "orchestrate/2-ui",
      base: "main",
    });

    sandbox.setPermission("acme/widgets", "rev", "write");
    const { threads } = await sandbox.postReview("acme/widgets", pull.number, {
      user: "rev",
      comments: [
        { path: "ui.ts", line: 2, body: "rename" },
        { path: "other.ts", line: 1, body: "ok?" },
      ],
    });
    await expect(
      sandbox.postReview("acme/widgets", pull.number, {
        user: "rev",
        comments: [{ path: "README.md", line: 1, body: "x" }],
      }),
    ).rejects.toThrow(/not part of the pull request's diff/);
    const comments = await octokit.rest.pulls.listReviewComments({
      ...repo,
      pull_number: pull.number,
    });
    expect(comments.data.map((c) => [c.path, c.line, c.body])).toEqual([
      ["ui.ts", 2, "rename"],
      ["other.ts", 1, "ok?"],
    ]);
    expect(comments.data[0]?.diff_hunk).toBe("@@ -0,0 +1,2 @@\n+line1\n+line2");

    const reply = await octokit.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: pull.number,
      comment_id: comments.data[0]!.id,
      body: "Fixed in abc",
    });
    expect(reply.data.in_reply_to_id).toBe(comments.data[0]!.id);
    expect(
      sandbox.state.repos.get("acme/widgets")?.threads.get(threads[0]!.id)?.commentIds,
    ).toHaveLength(2);

    await writeFile(join(dir, "ui.ts"), "line1\nrenamed\n");
    await git(dir, token, ["commit", "-q", "-am", "fix"]);
    await git(dir, token, ["push", "-q", "origin", "HEAD"]);
    const newHead = (await git(dir, token, ["rev-parse", "HEAD"])).trim();
    const state = sandbox.state.repos.get("acme/widgets")!;
    expect(state.pulls.get(pull.number)?.headSha).toBe(newHead);
    expect(state.threads.get(threads[0]!.id)?.isOutdated).toBe(true);
    expect(state.threads.get(threads[1]!.id)?.isOutdated).toBe(false);
    expect(
      (await octokit.rest.pulls.get({ ...repo, pull_number: pull.number })).data.head.sha,
    ).toBe(newHead);

    await sandbox.setThreadResolved("acme/widgets", threads[0]!.id, true, "rev");
    expect(state.threads.get(threads[0]!.id)).toMatchObject({
      isResolved: true,
      resolvedBy: "rev",
    });

    await sandbox.closePull("acme/widgets", pull.number, true);
    expect(await sandbox.fileAt("acme/widgets", "main", "ui.ts")).toBe("line1\nrenamed\n");
    const merged = await octokit.rest.pulls.get({ ...repo, pull_number: pull.number });
    expect(merged.data).toMatchObject({ state: "closed", merged: true });
  });

  it("creates, moves and deletes refs through the refs API", async () => {
    const main = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/tmp", sha: main });
    await expect(
      octokit.rest.git.createRef({ ...repo, ref: "refs/heads/tmp", sha: main }),
    ).rejects.toMatchObject({
      status: 422,
    });
    const next = await sandbox.commit("acme/widgets", {
      branch: "tmp",
      files: { "t.txt": "t\n" },
      message: "t",
    });
    await expect(
      octokit.rest.git.updateRef({ ...repo, ref: "heads/tmp", sha: main }),
    ).rejects.toMatchObject({
      status: 422,
    });
    await octokit.rest.git.updateRef({ ...repo, ref: "heads/tmp", sha: main, force: true });
    await octokit.rest.git.updateRef({ ...repo, ref: "heads/tmp", sha: next });
    expect((await sandbox.branches("acme/widgets")).find((b) => b.name === "tmp")?.sha).toBe(next);
    await octokit.rest.git.deleteRef({ ...repo, ref: "heads/tmp" });
    await expect(octokit.rest.git.getRef({ ...repo, ref: "heads/tmp" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("records check runs and lists them for a ref", async () => {
    const sha = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    const { data: run } = await octokit.rest.checks.create({
      ...repo,
      name: "orchestrate",
      head_sha: sha,
      status: "in_progress",
    });
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      conclusion: "success",
      output: { title: "done", summary: "ok" },
    });
    const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: "main" });
    expect(data.check_runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([
      ["orchestrate", "completed", "success"],
    ]);
    await expect(
      octokit.rest.checks.create({ ...repo, name: "x", head_sha: sha, status: "completed" }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
