import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import {
  appComments,
  backendsJson,
  coordinationDir,
  hostProcesses,
  processesGone,
  sharedWith,
  specOf,
  startRun,
  taskCommits,
  waitFor,
} from "./helpers.js";

// The repository's own check: any task file that says "broken" fails it, naming the file.
const VERIFY_SH =
  'if grep -H broken *.txt; then echo "verify: a task left broken work"; exit 1; fi\n';
const CONFIG = ["verify: sh verify.sh", "limits:", "  attempts: 3", ""].join("\n");

describe("failed attempts retry on the next backend; a race keeps the first verified result", () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = coordinationDir();
    const picky = { PICKY_DIR: dir, PICKY_ALWAYS_BROKEN: "doomed", PICKY_SLEEP_MS: "300" };
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        "verify.sh": VERIFY_SH,
        ".github/orchestrate.yml": CONFIG,
      },
      env: {
        ...sharedWith(dir),
        WORKER_CONCURRENCY: "2",
        // alpha's work never passes verify; beta's and gamma's does, except for "doomed".
        // fast and slow race: slow never finishes and ignores SIGTERM, fast edits once the test
        // has seen slow running (with its grandchild) and says go.
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "alpha", agent: "picky-agent.mjs", env: { ...picky, PICKY_BROKEN: "1" } },
          { name: "beta", agent: "picky-agent.mjs", env: picky },
          { name: "gamma", agent: "picky-agent.mjs", env: picky },
          {
            name: "fast",
            agent: "edit-agent.mjs",
            env: { EDIT_AGENT_WAIT_FOR: join(dir, "go") },
          },
          {
            name: "slow",
            agent: "hang-agent.mjs",
            env: { HANG_AGENT_READY_FILE: join(dir, "slow.ready") },
          },
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

  it("feeds the verify output into the next attempt and rotates backends until the limit, then shows the failure", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: flaky, group: core, title: Flaky fix, description: Passes on the second backend. }",
        "  - { id: doomed, group: core, title: Doomed fix, description: Never passes verify. }",
      ]),
    );
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("failed");

    const flaky = run?.tasks.find((t) => t.id === "flaky");
    expect(flaky).toMatchObject({ status: "complete", attempts: 2, lastBackend: "beta" });
    const branch = `orchestrate/${issue}-core`;
    expect(await h.sandbox.fileAt(h.repo, branch, "flaky.txt")).toBe("fixed by beta\n");
    expect(taskCommits(h, branch, issue, "flaky")).toHaveLength(1);
    // beta was told what alpha's verify said.
    const betaPrompt = readFileSync(join(dir, "flaky-beta.prompt.md"), "utf8");
    expect(betaPrompt).toContain("flaky.txt:broken by alpha");
    expect(readFileSync(join(dir, "flaky-alpha.prompt.md"), "utf8")).not.toContain("broken by");

    // doomed went round alpha, beta, gamma — each told of the one before — and then failed.
    const doomed = run?.tasks.find((t) => t.id === "doomed");
    expect(doomed).toMatchObject({ status: "failed", attempts: 3, lastBackend: "gamma" });
    expect(readFileSync(join(dir, "doomed-beta.prompt.md"), "utf8")).toContain(
      "doomed.txt:broken by alpha",
    );
    expect(readFileSync(join(dir, "doomed-gamma.prompt.md"), "utf8")).toContain(
      "doomed.txt:broken by beta",
    );
    expect(taskCommits(h, branch, issue, "doomed")).toHaveLength(0);
    // The time of every attempt is counted (each agent run takes 300 ms at least), not only
    // the last one's.
    expect(doomed?.durationMs).toBeGreaterThanOrEqual(3 * 300);

    const status = appComments(h, issue);
    expect(status).toHaveLength(1);
    expect(status[0]).toContain("❌ Failed");
    expect(status[0]).toContain("#### Failed tasks");
    expect(status[0]).toMatch(
      /Retry failed task `doomed` — verify-failed \\?\(attempt \d+, backend [\w-]+\\?\): verify `sh verify\.sh` failed/,
    );
    expect(status[0]).toContain("doomed.txt:broken by gamma");
  });

  it("races two backends: the first verified result is pushed, the other agent is killed", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: raced, group: race, backend: fast, race: 2, title: Raced, description: Two agents. }",
      ]),
    );
    // slow's agent and its grandchild, as this machine sees them (inside the sandbox, their
    // pids are their own namespace's).
    const slow = { HANG_AGENT_READY_FILE: join(dir, "slow.ready") };
    await waitFor("slow and its grandchild to run", () => {
      if (!existsSync(slow.HANG_AGENT_READY_FILE)) return false;
      const argvs = hostProcesses(slow).map((p) => p.argv.join(" "));
      return (
        argvs.some((a) => a.includes("hang-agent.mjs")) &&
        argvs.some((a) => a.includes("hang-agent-grandchild"))
      );
    });
    writeFileSync(join(dir, "go"), "go\n");
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks[0]).toMatchObject({ status: "complete", attempts: 1, lastBackend: "fast" });
    const branch = `orchestrate/${issue}-race`;
    expect(await h.sandbox.fileAt(h.repo, branch, "raced.txt")).toBe("done by raced\n");
    expect(taskCommits(h, branch, issue, "raced")).toHaveLength(1);
    // The loser ignored SIGTERM; it and its grandchild were killed anyway.
    await processesGone(slow, { what: "the losing agent and its grandchild to be gone" });
  });
});
