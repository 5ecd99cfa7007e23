import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const agent = (name: string) =>
  JSON.stringify([
    {
      name,
      command: [process.execPath, resolve("test/agents/edit-agent.mjs")],
      promptVia: "stdin",
    },
  ]);

const SPEC = `Saved searches, in three pull requests.

\`\`\`yaml
tasks:
  - { id: schema, group: db, title: Saved search table, description: Add the table. }
  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }
  - { id: routes, group: api, depends_on: [queries], title: REST routes, description: Add routes. }
  - { id: notify, group: api, depends_on: [queries], title: Nightly email, description: Add the job. }
  - { id: api-docs, group: api, depends_on: [routes], title: API docs, description: Document it. }
  - { id: page, group: web, depends_on: [routes], title: Saved searches page, description: A page. }
  - { id: styles, group: web, title: Styles, description: Style the page. }
\`\`\`
`;

describe("workers run a planned spec", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: agent("edit"), WORKER_CONCURRENCY: "3" },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(() => h.close());

  it("lands each task once, on its group's branch, after its dependencies, and opens one PR per group", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: "maintainer-user",
    });
    await h.send("issues", "labeled", {
      repo: h.repo,
      sender: "maintainer-user",
      issue: issue.number,
      label: "orchestrate",
    });
    await h.settle();

    const branches = (await h.sandbox.branches(h.repo)).map((b) => b.name).sort();
    expect(branches).toEqual(
      [
        "main",
        `orchestrate/${issue.number}-api`,
        `orchestrate/${issue.number}-db`,
        `orchestrate/${issue.number}-web`,
      ].sort(),
    );
    const groups: Record<string, string[]> = {
      db: ["schema", "queries"],
      api: ["routes", "notify", "api-docs"],
      web: ["page", "styles"],
    };
    for (const [group, ids] of Object.entries(groups)) {
      for (const id of ids) {
        const text = await h.sandbox.fileAt(
          h.repo,
          `orchestrate/${issue.number}-${group}`,
          `${id}.txt`,
        );
        expect(text, `${id}.txt on ${group}`).toBe(`done by ${id}\n`);
      }
    }
    // Dependencies first: on db, schema's commit comes before queries'.
    const gitDir = h.sandbox.state.repos.get(h.repo)?.gitDir ?? "";
    const subjects = execFileSync(
      "git",
      ["--git-dir", gitDir, "log", "--reverse", "--format=%s", `orchestrate/${issue.number}-db`],
      {
        encoding: "utf8",
      },
    )
      .trim()
      .split("\n");
    expect(subjects.slice(-2)).toEqual(["Saved search table", "Query helpers"]);
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.map((p) => p.head).sort()).toEqual(
      [
        `orchestrate/${issue.number}-api`,
        `orchestrate/${issue.number}-db`,
        `orchestrate/${issue.number}-web`,
      ].sort(),
    );
    const api = pulls.find((p) => p.head.endsWith("-api"));
    expect(api?.body).toContain(`Part of #${issue.number}`);
    for (const id of groups.api ?? []) expect(api?.body).toContain(`**${id}**`);
    const status = h.sandbox
      .issueComments(h.repo, issue.number)
      .filter((c) => c.user === "orchestrate[bot]");
    expect(status).toHaveLength(1);
    expect(status[0]?.body).toMatch(/done/);
  });
});
