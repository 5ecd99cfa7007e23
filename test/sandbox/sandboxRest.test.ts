import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit, installationToken } from "./sandboxClient.js";

let sandbox: Sandbox;
let octokit: Octokit;
let token: string;
const repo = { owner: "acme", repo: "widgets" };

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const created = await sandbox.createRepo({
    owner: "acme",
    name: "widgets",
    files: { "README.md": "# widgets\n", ".github/orchestrate.yml": "label: orchestrate\n" },
  });
  octokit = installationOctokit(sandbox, created.installationId);
  token = await installationToken(sandbox, created.installationId);
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("sandbox REST", () => {
  it("creates, edits and lists issue comments with GitHub's pagination", async () => {
    const issue = sandbox.createIssue("acme/widgets", {
      title: "Spec",
      body: "do it",
      user: "alice",
    });
    for (let i = 0; i < 5; i++) {
      await octokit.rest.issues.createComment({
        ...repo,
        issue_number: issue.number,
        body: `c${i}`,
      });
    }
    const first = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(first.data.map((c) => c.body)).toEqual(["c0", "c1"]);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('rel="last"');

    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect(all[0]?.user?.login).toBe("orchestrate[bot]");

    const target = all[2]!;
    const edited = await octokit.rest.issues.updateComment({
      ...repo,
      comment_id: target.id,
      body: "edited",
    });
    expect(edited.data.body).toBe("edited");
    const got = await octokit.rest.issues.getComment({ ...repo, comment_id: target.id });
    expect(got.data.body).toBe("edited");
    expect(sandbox.issueComments("acme/widgets", issue.number)[2]?.history).toEqual([
      "c2",
      "edited",
    ]);
  });

  it("creates and updates issues, labels and reactions", async () => {
    const { data: issue } = await octokit.rest.issues.create({
      ...repo,
      title: "Bug",
      body: "b",
      labels: ["bug"],
    });
    expect(issue.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug"]);
    const labels = await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: issue.number,
      labels: ["orchestrate"],
    });
    expect(labels.data.map((l) => l.name)).toEqual(["bug", "orchestrate"]);
    await octokit.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: "bug" });
    await expect(
      octokit.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: "bug" }),
    ).rejects.toMatchObject({ status: 404 });

    await octokit.rest.issues.createLabel({ ...repo, name: "status:running", color: "0e8a16" });
    await expect(
      octokit.rest.issues.createLabel({ ...repo, name: "status:running" }),
    ).rejects.toMatchObject({
      status: 422,
    });
    expect(
      (await octokit.rest.issues.getLabel({ ...repo, name: "status:running" })).data.color,
    ).toBe("0e8a16");

    const closed = await octokit.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      state: "closed",
    });
    expect(closed.data.state).toBe("closed");
    expect(closed.data.closed_at).toBeTruthy();

    const r1 = await octokit.rest.reactions.createForIssue({
      ...repo,
      issue_number: issue.number,
      content: "eyes",
    });
    const r2 = await octokit.rest.reactions.createForIssue({
      ...repo,
      issue_number: issue.number,
      content: "eyes",
    });
    expect([r1.status, r2.status]).toEqual([201, 200]);
    expect(r2.data.id).toBe(r1.data.id);
    const { data: comment } = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "x",
    });
    const r3 = await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "+1",
    });
    expect(r3.status).toBe(201);
  });

  it("reports collaborator permissions like GitHub, folding maintain into write", async () => {
    sandbox.setPermission("acme/widgets", "maya", "maintain");
    sandbox.setPermission("acme/widgets", "rita", "read");
    sandbox.addUser("stranger");
    const get = (username: string) =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    expect((await get("acme")).data).toMatchObject({ permission: "admin", role_name: "admin" });
    expect((await get("maya")).data).toMatchObject({ permission: "write", role_name: "maintain" });
    expect((await get("rita")).data).toMatchObject({ permission: "read", role_name: "read" });
    // outsiders can read a public repository
    expect((await get("stranger")).data).toMatchObject({ permission: "read" });
    await expect(get("nobody-at-all")).rejects.toMatchObject({ status: 404 });
  });

  it("serves file contents as base64 JSON and raw, and 404s for missing files", async () => {
    const { data } = await octokit.rest.repos.getContent({
      ...repo,
      path: ".github/orchestrate.yml",
    });
    expect(Array.isArray(data)).toBe(false);
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("label: orchestrate\n");
    const rawFile = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path: ".github/orchestrate.yml",
      mediaType: { format: "raw" },
    });
    expect(rawFile.data).toBe("label: orchestrate\n");
    await expect(
      octokit.rest.repos.getContent({ ...repo, path: "missing.yml" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.rest.repos.getContent({
        owner: "acme",
        repo: ".github",
        path: ".github/orchestrate.yml",
      }),
    ).rejects.toMatchObject({ status: 404 });
    const dir = await octokit.rest.repos.getContent({ ...repo, path: ".github" });
    expect(Array.isArray(dir.data) && dir.data.map((e) => e.name)).toEqual(["orchestrate.yml"]);
  });

  it("answers 404 for a route GitHub does not have and records a fidelity failure", async () => {
    const res = await raw("GET", "/repos/acme/widgets/no-such-thing");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: "Not Found" });
    const wrongMethod = await raw("PUT", "/repos/acme/widgets/issues/1/comments", { body: "x" });
    expect(wrongMethod.status).toBe(404);
    expect(() => sandbox.assertFidelity()).toThrow(/no-such-thing[\s\S]*method not allowed/);
  });

  it("answers 422 for a body missing a required field or with a wrong type, and records it", async () => {
    const issue = sandbox.createIssue("acme/widgets", { title: "t", body: "b", user: "alice" });
    const missing = await raw("POST", `/repos/acme/widgets/issues/${issue.number}/comments`, {
      text: "hi",
    });
    expect(missing.status).toBe(422);
    const body = (await missing.json()) as { message: string; documentation_url: string };
    expect(body.message).toBe('Invalid request.\n\n"body" wasn\'t supplied.');
    expect(body.documentation_url).toContain("docs.github.com");
    const wrongType = await raw("PATCH", `/repos/acme/widgets/issues/${issue.number}`, {
      state: "done",
    });
    expect(wrongType.status).toBe(422);
    expect(() => sandbox.assertFidelity()).toThrow(/"body" wasn't supplied[\s\S]*state/);
    // nothing was written
    expect(sandbox.issueComments("acme/widgets", issue.number)).toEqual([]);
  });

  it("does not count a 404 for a missing resource on a real route as a fidelity failure", async () => {
    await expect(octokit.rest.issues.get({ ...repo, issue_number: 9999 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "nope" })).rejects.toMatchObject({
      status: 404,
    });
    expect(sandbox.state.fidelityFailures).toEqual([]);
  });

  it("answers a conditional request on repo review comments with 304 that costs no rate limit", async () => {
    const first = await raw("GET", "/repos/acme/widgets/pulls/comments");
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const used = Number(first.headers.get("x-ratelimit-used"));
    const second = await raw("GET", "/repos/acme/widgets/pulls/comments", undefined, {
      "if-none-match": etag ?? "",
    });
    expect(second.status).toBe(304);
    expect(Number(second.headers.get("x-ratelimit-used"))).toBe(used);
    // a change makes the old ETag stale
  });

  it("fails the next n matching requests with the fault switch, without changing state", async () => {
    const issue = sandbox.createIssue("acme/widgets", { title: "f", body: "b", user: "alice" });
    sandbox.fail("issues/create-comment", 1, "502");
    await expect(
      octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: "one" }),
    ).rejects.toMatchObject({ status: 502 });
    expect(sandbox.issueComments("acme/widgets", issue.number)).toEqual([]);
    await octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: "one" });
    expect(sandbox.issueComments("acme/widgets", issue.number).map((c) => c.body)).toEqual(["one"]);

    sandbox.fail("*", 1, "secondary-rate-limit", 7);
    const limited = await raw("GET", "/repos/acme/widgets");
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    const statuses = sandbox.state.requests
      .filter((r) => r.operation === "issues/create-comment")
      .map((r) => r.status);
    expect(statuses.slice(-2)).toEqual([502, 201]);
  });

  it("reports the rate limit", async () => {
    const { data } = await octokit.rest.rateLimit.get();
    expect(data.resources.core.limit).toBe(5000);
    expect(data.resources.core.used).toBeGreaterThan(0);
  });
});

describe("sandbox self-check", () => {
  it("records a fidelity failure when one of its own answers drifts from GitHub's schema", async () => {
    const { restRoutes } = await import("../../src/sandbox/rest/restRoutes.js");
    const original = restRoutes["repos/get"]!;
    restRoutes["repos/get"] = () => ({ status: 200, body: { id: 1, name: "widgets" } });
    try {
      await octokit.rest.repos.get(repo);
    } finally {
      restRoutes["repos/get"] = original;
    }
    expect(() => sandbox.assertFidelity()).toThrow(
      /repos\/get: the sandbox's response does not fit/,
    );
  });
});
