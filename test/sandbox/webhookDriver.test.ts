import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { buildEvent, deliver, examplePayload } from "../../src/sandbox/webhookDriver.js";
import { installationToken } from "./sandboxClient.js";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let sandbox: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const secret = "webhook-secret";

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  await sandbox.createRepo({ owner: "acme", name: "widgets", files: { "a.txt": "a\n" } });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(202).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`;
});
afterEach(() => {
  sandbox.assertFidelity();
  received.length = 0;
  sandbox.setWebhookTarget(null);
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("webhook driver", () => {
  it("copies the published example payload", () => {
    const a = examplePayload("issues", "labeled");
    const b = examplePayload("issues", "labeled");
    expect(a["action"]).toBe("labeled");
    expect(a).not.toBe(b);
    expect(() => examplePayload("issues", "exploded")).toThrow(/no issues.exploded example/);
  });

  it("builds a signed issues.labeled event pointing at sandbox objects", async () => {
    const issue = sandbox.createIssue("acme/widgets", {
      title: "Spec",
      body: "- do",
      user: "alice",
    });
    const payload = buildEvent(sandbox, "issues", "labeled", {
      repo: "acme/widgets",
      sender: "alice",
      issue: issue.number,
      label: "orchestrate",
    });
    const repo = sandbox.state.repos.get("acme/widgets")!;
    expect(payload).toMatchObject({
      action: "labeled",
      installation: { id: repo.installationId },
      repository: {
        id: repo.id,
        full_name: "acme/widgets",
        clone_url: sandbox.cloneUrl("acme/widgets"),
      },
      sender: { login: "alice", id: sandbox.state.users.get("alice")?.id },
      issue: { number: issue.number, title: "Spec", user: { login: "alice" } },
      label: { name: "orchestrate" },
    });

    const result = await deliver({
      url: receiverUrl,
      secret,
      event: "issues",
      payload,
      deliveryId: "d-1",
    });
    expect(result).toMatchObject({ status: 202, deliveryId: "d-1" });
    const got = received[0]!;
    expect(got.headers["x-github-event"]).toBe("issues");
    expect(got.headers["x-github-delivery"]).toBe("d-1");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(String(got.headers["user-agent"])).toMatch(/^GitHub-Hookshot\//);
    expect(await verify(secret, got.body, String(got.headers["x-hub-signature-256"]))).toBe(true);
    expect(await verify("other-secret", got.body, String(got.headers["x-hub-signature-256"]))).toBe(
      false,
    );
    expect(JSON.parse(got.body)).toEqual(payload);
  });

  it("pushes webhooks when people act, once a target is set", async () => {
    sandbox.setWebhookTarget({ url: receiverUrl, secret });
    const issue = sandbox.createIssue("acme/widgets", {
      title: "Spec 2",
      body: "b",
      user: "alice",
    });
    await sandbox.comment("acme/widgets", issue.number, "alice", "/orchestrate");
    const sandboxRepo = sandbox.state.repos.get("acme/widgets")!;
    const events = () =>
      received.map((r) => `${r.headers["x-github-event"]}.${JSON.parse(r.body).action}`);
    expect(events()).toEqual(["issue_comment.created"]);
    const commentEvent = JSON.parse(received[0]!.body);
    expect(commentEvent.comment.body).toBe("/orchestrate");
    expect(commentEvent.issue.number).toBe(issue.number);
    expect(commentEvent.installation.id).toBe(sandboxRepo.installationId);
    expect(received[0]!.headers["x-github-hook-installation-target-id"]).toBe(
      String(sandbox.appId),
    );

    await sandbox.commit("acme/widgets", {
      branch: "feature",
      files: { "a.txt": "a\nb\n" },
      message: "b",
    });
    const sha = (await sandbox.branches("acme/widgets")).find((b) => b.name === "feature")!.sha;
    // The person's push: GitHub's `push` for the branch they created, with its commit.
    expect(events().at(-1)).toBe("push.undefined");
    const push = JSON.parse(received.at(-1)!.body);
    expect(push).toMatchObject({
      ref: "refs/heads/feature",
      before: "0000000000000000000000000000000000000000",
      after: sha,
      created: true,
      deleted: false,
      forced: false,
      head_commit: { id: sha, message: "b" },
      repository: { full_name: "acme/widgets", default_branch: "main" },
      installation: { id: sandboxRepo.installationId },
    });
    expect(push.commits.map((c: { id: string }) => c.id)).toContain(sha);
    expect(typeof push.repository.pushed_at).toBe("number");
    const { createPull } = await import("../../src/sandbox/rest/pulls.js");
    const pull = createPull(sandbox.state, sandboxRepo, {
      title: "Feature",
      body: "",
      user: "alice",
      head: "feature",
      base: "main",
      headSha: sha,
      baseSha: (await sandbox.branches("acme/widgets")).find((b) => b.name === "main")!.sha,
      draft: false,
    });
    received.length = 0;
    const { threads } = await sandbox.postReview("acme/widgets", pull.number, {
      user: "alice",
      comments: [{ path: "a.txt", line: 2, body: "why b?" }],
    });
    await sandbox.replyInThread("acme/widgets", threads[0]!.id, "alice", "never mind");
    await sandbox.setThreadResolved("acme/widgets", threads[0]!.id, true, "alice");
    expect(events()).toEqual([
      "pull_request_review.submitted",
      "pull_request_review_comment.created",
      "pull_request_review.submitted",
      "pull_request_review_comment.created",
      "pull_request_review_thread.resolved",
    ]);
    const threadEvent = JSON.parse(received[4]!.body);
    expect(threadEvent.thread.node_id).toBe(threads[0]!.id);
    expect(threadEvent.thread.comments.map((c: { body: string }) => c.body)).toEqual([
      "why b?",
      "never mind",
    ]);
    expect(threadEvent.pull_request.number).toBe(pull.number);
    expect(threadEvent.organization).toBeUndefined();
    expect(sandbox.deliveries.map((d) => d.status)).toEqual(Array(7).fill(202));
    expect(sandbox.deliveries.some((d) => d.byApp)).toBe(false);
  });

  it("with appEvents, also delivers what the app's own writes cause, after answering", async () => {
    sandbox.setWebhookTarget({ url: receiverUrl, secret, appEvents: true });
    const repo = sandbox.state.repos.get("acme/widgets")!;
    const token = await installationToken(sandbox, repo.installationId);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${sandbox.url}${path}`, {
        method,
        headers: { authorization: `token ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const issue = sandbox.createIssue("acme/widgets", {
      title: "Spec 3",
      body: "b",
      user: "alice",
    });
    expect(
      (await call("POST", `/repos/acme/widgets/issues/${issue.number}/comments`, { body: "Plan" }))
        .status,
    ).toBe(201);
    expect(
      (
        await call("POST", `/repos/acme/widgets/issues/${issue.number}/labels`, {
          labels: ["running"],
        })
      ).status,
    ).toBe(200);

    await sandbox.commit("acme/widgets", {
      branch: "app-branch",
      files: { "c.txt": "c\n" },
      message: "c",
    });
    const created = await call("POST", "/repos/acme/widgets/pulls", {
      title: "App PR",
      head: "app-branch",
      base: "main",
    });
    const pull = (await created.json()) as { number: number };
    const { threads } = await sandbox.postReview("acme/widgets", pull.number, {
      user: "alice",
      comments: [{ path: "c.txt", line: 1, body: "hmm" }],
    });
    await sandbox.commit("acme/widgets", {
      branch: "app-branch",
      files: { "c.txt": "c2\n" },
      message: "c2",
    });
    const sync = JSON.parse(received.at(-1)!.body);
    expect([received.at(-1)!.headers["x-github-event"], sync.action]).toEqual([
      "pull_request",
      "synchronize",
    ]);
    expect(sync.after).toBe(
      sandbox.state.repos.get("acme/widgets")!.pulls.get(pull.number)!.headSha,
    );
    received.length = 0;
    const resolved = await call("POST", "/graphql", {
      query:
        "mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { isResolved } } }",
      variables: { id: threads[0]!.id },
    });
    expect(resolved.status).toBe(200);
    await sandbox.webhooksSettled();

    const app = sandbox.deliveries.filter((d) => d.byApp).map((d) => `${d.event}.${d.action}`);
    expect(app).toEqual([
      "issue_comment.created",
      "issues.labeled",
      "pull_request.opened",
      "pull_request_review_thread.resolved",
    ]);
    const thread = JSON.parse(received.at(-1)!.body);
    expect(thread.sender.login).toBe("orchestrate[bot]");
    expect(thread.thread.node_id).toBe(threads[0]!.id);
  });
});
