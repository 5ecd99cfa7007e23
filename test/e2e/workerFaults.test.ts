import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import {
  appComments,
  backendsJson,
  coordinationDir,
  processesGone,
  sharedWith,
  specOf,
  startRun,
} from "./helpers.js";

const GITHUB_COMMENT_LIMIT = 65_536;

describe("agents that misbehave end as clear task failures, never a stuck run", () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = coordinationDir();
    h = await startHarness({
      // One attempt each, so every task shows what its own agent did.
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "limits:\n  attempts: 1\n" },
      env: {
        ...sharedWith(dir),
        WORKER_CONCURRENCY: "3",
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "fail", agent: "fail-agent.mjs" },
          {
            name: "hang",
            agent: "hang-agent.mjs",
            env: { HANG_AGENT_READY_FILE: join(dir, "hang.ready") },
            timeoutMs: 1500,
          },
          { name: "noisy", agent: "noisy-agent.mjs", env: { NOISY_AGENT_EDIT: "1" } },
          { name: "delete", agent: "delete-agent.mjs" },
          { name: "noop", agent: "noop-agent.mjs" },
          { name: "lock", agent: "lock-agent.mjs" },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each fault on its task and settles the run as failed, and lands the change of an agent that broke its own repository", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: exits, group: faults, backend: fail, title: Exits 1, description: Fails. }",
        "  - { id: hangs, group: faults, backend: hang, title: Hangs, description: Never ends. }",
        "  - { id: noisy, group: faults, backend: noisy, title: Noisy, description: Prints 20 MiB. }",
        "  - { id: deletes, group: faults, backend: delete, title: Deletes, description: rm -rf its worktree. }",
        "  - { id: nothing, group: faults, backend: noop, title: Nothing, description: Commits nothing. }",
        "  - { id: locks, group: faults, backend: lock, title: Locks, description: Breaks its git. }",
      ]),
    );
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("failed");
    const task = (id: string) => run?.tasks.find((t) => t.id === id);

    expect(task("exits")).toMatchObject({ status: "failed", attempts: 1 });
    expect(task("exits")?.report).toMatch(
      /^agent-failed \(attempt 1, backend fail\): fail exited with 1: fail-agent: something broke\n/,
    );
    expect(task("hangs")).toMatchObject({ status: "failed", attempts: 1 });
    expect(task("hangs")?.report).toMatch(
      /^timeout \(attempt 1, backend hang\): hang did not finish within 1500 ms/,
    );
    expect(task("deletes")).toMatchObject({ status: "failed", attempts: 1 });
    expect(task("deletes")?.report).toMatch(
      /^workspace-lost \(attempt 1, backend delete\): delete deleted or broke its worktree/,
    );
    expect(task("nothing")).toMatchObject({ status: "failed", attempts: 1 });
    expect(task("nothing")?.report).toMatch(
      /^no-change \(attempt 1, backend noop\): noop finished without changing any file/,
    );
    // An agent that leaves its own repository locked (a stale index.lock) cannot break the
    // worker's commit: the worker takes its files, not its git directory.
    expect(task("locks")).toMatchObject({ status: "complete", attempts: 1 });
    // Megabytes of output are not a failure; the report keeps a short last line of them.
    expect(task("noisy")).toMatchObject({ status: "complete", attempts: 1 });
    expect(task("noisy")?.report).toMatch(/^END-OF-NOISE/);
    expect(task("noisy")?.report?.length).toBeLessThanOrEqual(300);
    const branch = `orchestrate/${issue}-faults`;
    expect(await h.sandbox.fileAt(h.repo, branch, "noisy.txt")).toBe("done despite the noise\n");
    expect(await h.sandbox.fileAt(h.repo, branch, "locks.txt")).toBe("half done\n");

    // The hung agent ignored SIGTERM and so did its grandchild; the timeout killed both: no
    // process with the hung agent's environment is left on the machine.
    expect(existsSync(join(dir, "hang.ready"))).toBe(true);
    await processesGone(
      { HANG_AGENT_READY_FILE: join(dir, "hang.ready") },
      { what: "the hung agent and its grandchild to be gone" },
    );

    const [status, ...others] = appComments(h, issue);
    expect(others).toEqual([]);
    expect(status?.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(status).toContain("❌ Failed");
    for (const id of ["exits", "hangs", "deletes", "nothing"]) {
      expect(status).toContain(`Retry failed task \`${id}\``);
    }
    expect(status).not.toContain("Retry failed task `locks`");
    expect(status).toContain("hang did not finish within 1500 ms");
  });
});

describe("a verify command that does not exist", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        ".github/orchestrate.yml": "verify: no-such-tool --check\nlimits:\n  attempts: 3\n",
      },
      env: {
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "edit", agent: "edit-agent.mjs" }]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(() => h.close());

  it("is reported as a configuration error after one attempt, not retried", async () => {
    const issue = await startRun(
      h,
      specOf(["  - { id: checked, group: core, title: Checked, description: Needs verify. }"]),
    );
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("failed");
    expect(run?.tasks[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(run?.tasks[0]?.report).toMatch(
      /^verify-missing \(attempt 1, backend edit\): the verify command `no-such-tool --check` could not be found \(exit 127\); check the verify setting in \.github\/orchestrate\.yml/,
    );
    // Nothing unverified was pushed.
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
    const [status] = appComments(h, issue);
    expect(status).toContain("check the verify setting in .github/orchestrate.yml");
  });
});
