import { resolve } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const MAINTAINER = "maintainer-user";
const SPEC = `## db
- [ ] schema: Saved search table
      Add the table.
- [ ] queries: Query helpers
      depends on: schema

## api
- [ ] routes: REST routes
      depends on: queries
`;

describe("a run rebuilt from GitHub after Redis lost it", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("carries on from the status comment, the spec and the PRs on /orchestrate status", async () => {
    const agent = [process.execPath, resolve("test/agents/edit-agent.mjs")];
    h = await startHarness({
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "approval: required\n" },
      env: {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          { name: "edit", command: agent, promptVia: "stdin" },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    expect((await h.run(issue.number))?.run.state).toBe("needs-input");

    // Redis loses everything this installation had.
    const redis = new Redis(inject("redisUrl"));
    const keys = await redis.keys(`${h.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    expect(await h.run(issue.number)).toBeNull();

    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate status");
    await h.settle();
    const rebuilt = await h.run(issue.number);
    expect(rebuilt?.run.state).toBe("needs-input");
    expect(rebuilt?.tasks.map((t) => t.id).sort()).toEqual(["queries", "routes", "schema"]);
    expect(rebuilt?.tasks.find((t) => t.id === "schema")?.description).toBe("Add the table.");

    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate approve");
    await h.settle();
    expect((await h.run(issue.number))?.run.state).toBe("done");
    const statuses = h.sandbox
      .issueComments(h.repo, issue.number)
      .filter((c) => c.user === "orchestrate[bot]");
    expect(statuses).toHaveLength(1);
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.map((p) => p.head).sort()).toEqual([
      `orchestrate/${issue.number}-api`,
      `orchestrate/${issue.number}-db`,
    ]);
  });
});
