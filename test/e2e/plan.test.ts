import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const SPEC = `# Saved searches

## db
- [ ] schema: Saved search table
      Add the table.
- [ ] queries: Query helpers
      depends on: schema

## api
- [ ] routes: REST routes
      depends on: queries
`;

const CYCLIC = `## core
- [ ] parser: Parse the file
      depends on: loader
- [ ] loader: Load the file
      depends on: parser
`;

const MAINTAINER = "maintainer-user";

describe("a spec becomes a plan on the issue", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function start(files: Record<string, string>, env: Record<string, string> = {}) {
    h = await startHarness({ files: { "README.md": "# demo\n", ...files }, env });
    h.sandbox.setPermission(h.repo, MAINTAINER, "maintain");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
  }
  const statusComments = (issue: number) =>
    h.sandbox.issueComments(h.repo, issue).filter((c) => c.user === "orchestrate[bot]");

  it("shows the plan as a mermaid diagram and a table, waiting for approval, then runs on /orchestrate approve", async () => {
    const agent = [process.execPath, resolve("test/agents/edit-agent.mjs")];
    await start(
      { ".github/orchestrate.yml": "approval: required\n" },
      {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          { name: "edit", command: agent, promptVia: "stdin" },
        ]),
      },
    );
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: MAINTAINER,
    });
    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const [status] = statusComments(issue.number);
    expect(statusComments(issue.number)).toHaveLength(1);
    expect(status?.body).toContain("```mermaid");
    for (const id of ["schema", "queries", "routes"])
      expect(status?.body).toMatch(new RegExp(`\\| \`${id}\``));
    expect(status?.body).toMatch(/\/orchestrate approve/);
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);

    // A second trigger while the run waits edits the same comment instead of starting another run.
    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate");
    await h.settle();
    expect(statusComments(issue.number)).toHaveLength(1);

    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate approve");
    await h.settle();
    const after = statusComments(issue.number)[0]?.body ?? "";
    expect(after).toMatch(/Done/);
    const branches = (await h.sandbox.branches(h.repo)).map((b) => b.name).sort();
    expect(branches).toEqual([
      "main",
      `orchestrate/${issue.number}-api`,
      `orchestrate/${issue.number}-db`,
    ]);
  });

  it("lists every problem of an invalid spec, with its line, and starts nothing", async () => {
    await start({});
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Config loader",
      body: CYCLIC,
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const body = statusComments(issue.number)[0]?.body ?? "";
    expect(body).toMatch(/line \d+/);
    expect(body).toMatch(/parser → loader → parser|loader → parser → loader/);
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
  });

  it("reports a bad .github/orchestrate.yml on the issue, naming the key", async () => {
    await start({ ".github/orchestrate.yml": "race: 9\n" });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: MAINTAINER,
    });
    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const [comment] = statusComments(issue.number);
    expect(comment?.body).toMatch(/orchestrate\.yml/);
    expect(comment?.body).toMatch(/^- race: /m);
  });

  it("asks the planner's questions, and plans again when the author answers", async () => {
    await start(
      {},
      { ORCHESTRATE_PLANNER: `planner=${resolve("test/fixtures/planners/asks-then-plans.mjs")}` },
    );
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: "Users want to save searches and get an email on new results.",
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    expect(statusComments(issue.number)[0]?.body).toMatch(/Which database holds saved searches\?/);

    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "Postgres, please.");
    await h.settle();
    const body = statusComments(issue.number)[0]?.body ?? "";
    expect(body).not.toMatch(/Which database holds saved searches\?/);
    expect(body).toMatch(/Saved searches table in Postgres/);
  });

  it("refuses a reader's /orchestrate with one comment and starts nothing", async () => {
    await start({});
    h.sandbox.setPermission(h.repo, "reader-user", "read");
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "reader-user",
    });
    await h.sandbox.comment(h.repo, issue.number, "reader-user", "/orchestrate");
    await h.settle();
    const comments = statusComments(issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/@reader-user/);
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
  });
});
