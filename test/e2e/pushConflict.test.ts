import { readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import {
  agentStarts,
  backendsJson,
  botIdentity,
  branchLog,
  coordinationDir,
  isAncestor,
  releaseHolds,
  sharedWith,
  specOf,
  startRun,
  taskCommits,
  waitFor,
} from "./helpers.js";

// Two tasks of one group start from the same tip (both agents are held until both run); the
// first is let through, then the second, whose push is rejected because the branch moved.
describe("two tasks of one group push to the same branch", () => {
  let h: Harness;
  let dir: string;
  const hold = (task: string) => writeFileSync(join(dir, `hold-${task}`), "");
  const release = (task: string) => unlinkSync(join(dir, `hold-${task}`));

  beforeAll(async () => {
    dir = coordinationDir();
    h = await startHarness({
      env: {
        ...sharedWith(dir),
        WORKER_CONCURRENCY: "2",
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: dir } },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => {
    // A failed test must not leave agents held for the next one.
    releaseHolds(dir);
    h.sandbox.assertFidelity();
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `first` to its push, then lets `second` go; returns the issue and first's commit. */
  async function inTurn(first: string, second: string): Promise<{ issue: number; landed: string }> {
    hold(first);
    hold(second);
    const issue = await startRun(
      h,
      specOf([
        `  - { id: ${first}, group: ui, title: Task ${first}, description: One change. }`,
        `  - { id: ${second}, group: ui, title: Task ${second}, description: Another change. }`,
      ]),
    );
    await waitFor("both agents to start from the same tip", () =>
      [first, second].every((t) => agentStarts(dir).some((s) => s.task === t)),
    );
    release(first);
    const branch = `orchestrate/${issue}-ui`;
    const landed = await waitFor(`${first} to land`, () => taskCommits(h, branch, issue, first)[0]);
    release(second);
    await h.settle();
    return { issue, landed: landed.sha };
  }

  it("rebases the second onto the first: both land, in a line, with no force push", async () => {
    const { issue, landed } = await inTurn("left", "right");
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    const branch = `orchestrate/${issue}-ui`;
    const [right, left, ...rest] = branchLog(h, branch);
    expect(rest).toEqual([]);
    expect(left?.sha).toBe(landed);
    expect(right?.parents).toEqual([landed]);
    // The replayed commit is the App's bot's, as the first one is.
    expect([left?.author, right?.author]).toEqual([botIdentity(h), botIdentity(h)]);
    expect(taskCommits(h, branch, issue, "right")).toHaveLength(1);
    // What landed first is still in the branch's history: nothing was overwritten.
    const tip = (await h.sandbox.branches(h.repo)).find((b) => b.name === branch)?.sha ?? "";
    expect(isAncestor(h, landed, tip)).toBe(true);
    expect(await h.sandbox.fileAt(h.repo, branch, "left.txt")).toBe("done by left\n");
    expect(await h.sandbox.fileAt(h.repo, branch, "right.txt")).toBe("done by right\n");
    expect(run?.tasks.map((t) => t.attempts)).toEqual([1, 1]);
  });

  it("re-runs the second on the new tip when its change really conflicts", async () => {
    // Both append their line to the same new file: the rebase cannot combine them.
    for (const task of ["first", "second"])
      writeFileSync(join(dir, `target-${task}`), "shared.txt");
    const { issue, landed } = await inTurn("first", "second");
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    const branch = `orchestrate/${issue}-ui`;
    expect(await h.sandbox.fileAt(h.repo, branch, "shared.txt")).toBe(
      "done by first\ndone by second\n",
    );
    const second = run?.tasks.find((t) => t.id === "second");
    expect(second).toMatchObject({ status: "complete", attempts: 2 });
    const [tip, ...rest] = branchLog(h, branch);
    expect(rest.map((c) => c.sha)).toEqual([landed]);
    expect(tip?.parents).toEqual([landed]);
    // The agent ran twice; the second time its work order said why.
    const runs = agentStarts(dir).filter((s) => s.task === "second");
    expect(runs).toHaveLength(2);
    const retryPrompt = readFileSync(join(dir, `prompt-second-${runs[1]?.id}.md`), "utf8");
    expect(retryPrompt).toMatch(/conflict/);
  });
});
