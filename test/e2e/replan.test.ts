import { readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "./harness.js";
import {
  agentStarts,
  coordinationDir,
  releaseHolds,
  scriptedHarness,
  specOf,
  startRun,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";
const task = (line: string) => `  - ${line}`;
const SCHEMA = task("{ id: schema, group: db, title: Table, description: Add the table. }");
const ROUTES = task("{ id: routes, group: api, title: Routes, description: Add the routes. }");
const DOCS = task(
  "{ id: docs, group: api, depends_on: [routes], title: Docs, description: Document them. }",
);

// The spec of a running issue edited: the plan follows the spec, and finished work is kept.
describe("re-planning a run when its spec changes", { timeout: 120_000 }, () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    dir = coordinationDir();
    h = await scriptedHarness(dir, { role: "maintain" });
  });
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const starts = (id: string) => agentStarts(dir).filter((s) => s.task === id);
  /** the work orders the agents of `id` were given, oldest first */
  const prompts = (id: string) =>
    starts(id).map((s) => readFileSync(join(dir, `prompt-${id}-${s.id}.md`), "utf8"));
  const status = (issue: number) =>
    h.sandbox.issueComments(h.repo, issue).find((c) => c.user === "orchestrate[bot]");

  it("an edit adds, changes and removes tasks: the new one runs, the changed one is done again, the removed one stops, finished work stays", async () => {
    writeFileSync(join(dir, "hold-routes"), "");
    const issue = await startRun(h, specOf([SCHEMA, ROUTES, DOCS]));
    await waitFor("routes' agent to start", () => starts("routes").length === 1);
    await waitFor(
      "schema to be complete",
      async () => (await h.run(issue))?.tasks.find((t) => t.id === "schema")?.status === "complete",
    );

    // routes gets another description, docs goes, search comes.
    await h.sandbox.editIssue(h.repo, issue, MAINTAINER, {
      body: specOf([
        SCHEMA,
        task("{ id: routes, group: api, title: Routes, description: Add paged routes. }"),
        task("{ id: search, group: db, title: Search, description: Add search. }"),
      ]),
    });
    await waitFor("the plan to change", async () =>
      (await h.run(issue))?.tasks.some((t) => t.id === "search"),
    );
    unlinkSync(join(dir, "hold-routes"));
    await h.settle();

    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.map((t) => t.id).sort()).toEqual(["routes", "schema", "search"]);
    expect(starts("schema")).toHaveLength(1);
    expect(starts("docs")).toHaveLength(0);
    expect(starts("search")).toHaveLength(1);
    // The routes agent that was running when the spec changed was stopped and did not push:
    // the branch holds one routes commit, made from the changed description.
    expect(prompts("routes").at(-1)).toContain("Add paged routes.");
    const api = `orchestrate/${issue}-api`;
    const branchFile = await h.sandbox.fileAt(h.repo, api, "routes.txt");
    expect(branchFile?.trim().split("\n")).toEqual(["done by routes"]);
    // The status comment says what the re-plan changed.
    expect(status(issue)?.history.some((b) => /Re-planned/.test(b))).toBe(true);
  });

  it("`/orchestrate replan` plans the spec again on demand; an edit by someone without write access changes nothing and says so", async () => {
    h.sandbox.setPermission(h.repo, "issue-author", "read");
    writeFileSync(join(dir, "hold-schema"), "");
    const opened = h.sandbox.createIssue(h.repo, {
      title: "Two parts",
      body: specOf([SCHEMA, ROUTES]),
      user: "issue-author",
    });
    await h.sandbox.addLabel(h.repo, opened.number, "orchestrate", MAINTAINER);
    const issue = opened.number;
    await waitFor("schema's agent to start", () => starts("schema").length === 1);

    // The author, who may edit their own issue but not steer the run, adds a task.
    await h.sandbox.editIssue(h.repo, issue, "issue-author", {
      body: specOf([SCHEMA, ROUTES, DOCS]),
    });
    await waitFor("the refusal", () =>
      h.sandbox
        .issueComments(h.repo, issue)
        .some((c) => /only people with write access.*\/orchestrate replan/s.test(c.body)),
    );
    expect((await h.run(issue))?.tasks.map((t) => t.id).sort()).toEqual(["routes", "schema"]);

    // A maintainer takes the edit up.
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate replan");
    await waitFor("the plan to change", async () =>
      (await h.run(issue))?.tasks.some((t) => t.id === "docs"),
    );
    unlinkSync(join(dir, "hold-schema"));
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(starts("schema")).toHaveLength(1);
    expect(starts("docs")).toHaveLength(1);
  });

  it("an edit that breaks the spec leaves the run on its plan and says why", async () => {
    writeFileSync(join(dir, "hold-schema"), "");
    const issue = await startRun(h, specOf([SCHEMA, ROUTES]));
    await waitFor("schema's agent to start", () => starts("schema").length === 1);
    await h.sandbox.editIssue(h.repo, issue, MAINTAINER, {
      body: specOf([SCHEMA, ROUTES, task("{ id: loop, group: db, depends_on: [loop] }")]),
    });
    await waitFor("the run to say the edit is invalid", async () =>
      /edited spec is invalid/.test((await h.run(issue))?.run.reason ?? ""),
    );
    unlinkSync(join(dir, "hold-schema"));
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.map((t) => t.id).sort()).toEqual(["routes", "schema"]);
    expect(readdirSync(dir).filter((f) => f.startsWith("prompt-loop"))).toEqual([]);
  });
});
