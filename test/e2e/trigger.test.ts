import { createHmac, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { examplePayload } from "../../src/sandbox/webhookDriver.js";
import { type Harness, startHarness } from "./harness.js";

const SPEC = [
  "Add saved searches.",
  "",
  "```yaml",
  "tasks:",
  "  - id: model",
  "    group: backend",
  "    title: Saved search model",
  "    description: Store a user's saved searches.",
  "  - id: api",
  "    group: backend",
  "    depends_on: [model]",
  "    title: Saved search API",
  "    description: CRUD endpoints.",
  "```",
].join("\n");

describe("a maintainer labels an issue", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.sandbox.setPermission(h.repo, "maintainer-user", "write");
    h.sandbox.setPermission(h.repo, "reader-user", "read");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(() => h.close());

  function appComments(issue: number) {
    return h.sandbox.issueComments(h.repo, issue).filter((c) => c.user === "orchestrate[bot]");
  }

  it("answers a maintainer with a reaction and one status comment", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "maintainer-user",
    });
    const sent = await h.send("issues", "labeled", {
      repo: h.repo,
      sender: "maintainer-user",
      issue: issue.number,
      label: "orchestrate",
    });
    expect(sent.status).toBeLessThan(300);
    await h.settle();
    const comments = appComments(issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("Orchestrate");
    const repo = h.sandbox.state.repos.get(h.repo);
    const reactions = repo?.reactions.filter((r) => r.subject === `issue:${issue.number}`) ?? [];
    expect(reactions.map((r) => r.content)).toContain("rocket");
  });

  it("refuses a reader once, politely, and stores nothing", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "reader-user",
    });
    await h.send("issues", "labeled", {
      repo: h.repo,
      sender: "reader-user",
      issue: issue.number,
      label: "orchestrate",
    });
    await h.settle();
    const comments = appComments(issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/only people with write, maintain or admin permission/);
    expect(comments[0]?.body).toContain("`read`");
    const redis = new Redis(inject("redisUrl"));
    const keys = await redis.keys(`*run:${h.repo}#${issue.number}*`);
    redis.disconnect();
    expect(keys).toEqual([]);
  });

  it("answers the same delivery only once", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "maintainer-user",
    });
    const deliveryId = randomUUID();
    const fields = {
      repo: h.repo,
      sender: "maintainer-user",
      issue: issue.number,
      label: "orchestrate",
    };
    await h.send("issues", "labeled", fields, deliveryId);
    await h.settle();
    await h.send("issues", "labeled", fields, deliveryId);
    await h.settle();
    expect(appComments(issue.number)).toHaveLength(1);
  });

  it("ignores a label that is not the configured one", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Typo",
      body: SPEC,
      user: "maintainer-user",
    });
    await h.send("issues", "labeled", {
      repo: h.repo,
      sender: "maintainer-user",
      issue: issue.number,
      label: "bug",
    });
    await h.settle();
    expect(appComments(issue.number)).toHaveLength(0);
  });

  it("refuses a delivery whose signature is wrong, and stores nothing", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "maintainer-user",
    });
    const payload = examplePayload("issues", "labeled");
    const body = JSON.stringify(payload);
    const res = await fetch(h.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", "not-the-secret").update(body).digest("hex")}`,
      },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await h.settle();
    expect(appComments(issue.number)).toHaveLength(0);
  });

  it("answers /healthz with Redis's state", async () => {
    const res = await fetch(`${h.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", redis: "ok" });
  });
});
