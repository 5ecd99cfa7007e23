import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
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
const NOTE = `\`${MAINTAINER}\` pushed to this branch: their commits are kept, and later tasks build on top of them`;

// A person pushes to a group's branch while the run still has work for it: the App never
// rewrites their commit, the next task lands on top of it, and the status comment says so —
// whether the group's PR is open by then (GitHub's pull_request.synchronize tells the App) or
// not yet (the worker's push finds their commit on the branch).
describe("a person pushes to a group's branch mid-run", () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function personPushesMidRun(draft: boolean) {
    dir = coordinationDir();
    h = await scriptedHarness(dir, {
      files: { ".github/orchestrate.yml": `draft: ${draft}\n` },
    });
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
    if (draft) {
      const pull = await waitFor("the group's draft PR", () =>
        [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])].find(
          (p) => p.head === branch,
        ),
      );
      // Followed from here on: the status comment shows the PR once the App has recorded it.
      await waitFor("the status comment to show the PR", () =>
        appComments(h, issue)[0]?.includes(`#${pull.number}`),
      );
    }
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
    return { issue, branch, first: first.sha, theirs: theirs?.sha };
  }

  async function expectKeptAndSaid(o: Awaited<ReturnType<typeof personPushesMidRun>>) {
    const run = await h.run(o.issue);
    expect(run?.run.state).toBe("done");
    const [second, person, ...rest] = branchLog(h, o.branch);
    // Their commit is where they put it, untouched; the App's lands on top, never forced.
    expect(person?.sha).toBe(o.theirs);
    expect(second?.parents).toEqual([o.theirs]);
    expect(rest.map((c) => c.sha)).toContain(o.first);
    expect(second?.author).toBe(botIdentity(h));
    expect(await h.sandbox.fileAt(h.repo, o.branch, "HUMAN.md")).toBe("a person's change\n");
    expect(await h.sandbox.fileAt(h.repo, o.branch, "second.txt")).toBe("done by second\n");
    expect(run?.tasks.find((t) => t.id === "second")?.attempts).toBe(1);
    expect(appComments(h, o.issue)[0]).toContain(NOTE);
  }

  it("with the group's PR open: keeps their commit, builds the next task on top, and says so", async () => {
    await expectKeptAndSaid(await personPushesMidRun(true));
  });

  it("before the group's PR exists: keeps their commit, builds the next task on top, and says so", async () => {
    const pushed = await personPushesMidRun(false);
    await expectKeptAndSaid(pushed);
    // The PR opened once the group was done, and holds their commit too.
    const pull = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])].find(
      (p) => p.head === pushed.branch,
    );
    expect(pull?.draft).toBe(false);
  });
});
