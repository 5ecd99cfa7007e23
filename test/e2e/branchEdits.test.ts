import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "./harness.js";
import {
  agentStarts,
  appComments,
  botIdentity,
  branchLog,
  coordinationDir,
  releaseHolds,
  scriptedHarness,
  specOf,
  startRun,
  taskCommits,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";

// A person pushes to a group's branch while the run still has work for it: the App never
// rewrites their commit, the next task lands on top of it, and the status comment says so.
describe("a person pushes to a group's branch mid-run", () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = coordinationDir();
    h = await scriptedHarness(dir, { files: { ".github/orchestrate.yml": "draft: true\n" } });
  });
  afterAll(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps their commit, builds the next task on top of it, and says so in the status comment", async () => {
    writeFileSync(join(dir, "hold-second"), "");
    const issue = await startRun(
      h,
      specOf([
        "  - { id: first, group: ui, title: First, description: One change. }",
        "  - { id: second, group: ui, title: Second, description: Another change, depends_on: [first] }",
      ]),
    );
    const branch = `orchestrate/${issue}-ui`;
    const first = await waitFor(
      "the first task to land",
      () => taskCommits(h, branch, issue, "first")[0],
    );
    await waitFor("the second task's agent to start", () =>
      agentStarts(dir).some((s) => s.task === "second"),
    );
    const pull = await waitFor("the group's draft PR", () =>
      [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])].find((p) => p.head === branch),
    );
    // Followed from here on: the status comment shows the PR once the App has recorded it.
    await waitFor("the status comment to show the PR", () =>
      appComments(h, issue)[0]?.includes(`#${pull.number}`),
    );
    // The person's commit, made while the second task's agent is at work on the older tip.
    await h.sandbox.commit(h.repo, {
      branch,
      files: { "HUMAN.md": "a person's change\n" },
      message: "A person's fix",
      author: MAINTAINER,
    });
    const theirs = branchLog(h, branch)[0];
    expect(theirs?.parents).toEqual([first.sha]);
    unlinkSync(join(dir, "hold-second"));
    await h.settle();

    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    const [second, person, ...rest] = branchLog(h, branch);
    // Their commit is where they put it, untouched; the App's lands on top, never forced.
    expect(person?.sha).toBe(theirs?.sha);
    expect(second?.parents).toEqual([theirs?.sha]);
    expect(rest.map((c) => c.sha)).toContain(first.sha);
    expect(second?.author).toBe(botIdentity(h));
    expect(await h.sandbox.fileAt(h.repo, branch, "HUMAN.md")).toBe("a person's change\n");
    expect(await h.sandbox.fileAt(h.repo, branch, "second.txt")).toBe("done by second\n");
    expect(run?.tasks.find((t) => t.id === "second")?.attempts).toBe(1);
    const [status] = appComments(h, issue);
    expect(status).toContain(
      `\`${MAINTAINER}\` pushed to this branch: their commits are kept, and later tasks build on top of them`,
    );
  });
});
