import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
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
const SPEC = specOf([
  "  - { id: schema, group: db, title: Table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Queries, description: Add them. }",
  "  - { id: routes, group: api, title: Routes, description: Add the routes. }",
]);

// A run over time: labelled again, stopped and started again, its budget met by its last task.
describe("runs started again on the same issue", { timeout: 120_000 }, () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(files: Record<string, string> = {}) {
    dir = coordinationDir();
    h = await scriptedHarness(dir, { files, role: "maintain" });
  }

  const starts = (task: string) => agentStarts(dir).filter((s) => s.task === task).length;
  const pulls = () => [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];

  it("ends done, not stopped, when the last attempt its budget allows finishes the work", async () => {
    await start({ ".github/orchestrate.yml": "limits:\n  run_attempts: 3\n" });
    const issue = await startRun(h, SPEC);
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.map((t) => t.attempts)).toEqual([1, 1, 1]);
    expect(pulls()).toHaveLength(2);
  });

  it("labelled again after it is done: a new generation that keeps the finished work, runs no agent again and opens no second PR", async () => {
    await start();
    const issue = await startRun(h, SPEC);
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("done");
    const before = pulls().map((p) => p.number);

    await h.sandbox.addLabel(h.repo, issue, "orchestrate", MAINTAINER);
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.generation).toBe(2);
    expect(run?.run.state).toBe("done");
    expect(agentStarts(dir)).toHaveLength(3);
    expect(pulls().map((p) => p.number)).toEqual(before);
  });

  it("started again after a stop: only what the stop left runs, and the run gets done", async () => {
    await start();
    writeFileSync(join(dir, "hold-queries"), "");
    const issue = await startRun(h, SPEC);
    await waitFor("queries' agent to start", () => starts("queries") === 1);
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate stop");
    await waitFor("the run to stop", async () => (await h.run(issue))?.run.state === "stopped");
    unlinkSync(join(dir, "hold-queries"));
    await h.settle();
    expect((await h.run(issue))?.tasks.find((t) => t.id === "queries")?.status).toBe("cancelled");

    // The status comment offers the way on; the comment does the same.
    const status = h.sandbox
      .issueComments(h.repo, issue)
      .find((c) => c.user === "orchestrate[bot]")?.body;
    expect(status).toMatch(/- \[ \] <!-- orchestrate:rerun --> Run again/);
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate");
    await h.settle();

    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.run.generation).toBe(2);
    expect([starts("schema"), starts("routes"), starts("queries")]).toEqual([1, 1, 2]);
    expect(
      pulls()
        .map((p) => p.head)
        .sort(),
    ).toEqual([`orchestrate/${issue}-api`, `orchestrate/${issue}-db`]);
  });

  it("a failed task is tried again by a re-run, with a fresh budget of attempts", async () => {
    await start({ ".github/orchestrate.yml": "limits:\n  attempts: 1\n" });
    writeFileSync(join(dir, "fail-routes"), "");
    const issue = await startRun(h, SPEC);
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("failed");
    unlinkSync(join(dir, "fail-routes"));

    await h.sandbox.addLabel(h.repo, issue, "orchestrate", MAINTAINER);
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.find((t) => t.id === "routes")?.attempts).toBe(2);
    expect(starts("schema")).toBe(1);
  });
});
