import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import {
  type AgentStart,
  agentStarts,
  agentsGone,
  backendsJson,
  coordinationDir,
  releaseHolds,
  sharedWith,
  specOf,
  startRun,
  taskCommits,
  waitFor,
  workerRunning,
} from "./helpers.js";
import { startWorkerProcess, type WorkerProcess } from "./workerProcess.js";

const SPEC = specOf([
  "  - { id: slow, group: core, title: Slow task, description: Takes a while. }",
  "  - { id: after, group: core, depends_on: [slow], title: After it, description: Then this. }",
]);

// A worker that dies is noticed through BullMQ's lock: the operator's WORKER_LOCK_SECONDS
// (30 by default) is shortened so the takeover happens within seconds.
const LOCK_SECONDS = "2";

describe("a worker killed mid-task", () => {
  let h: Harness;
  let agentDir: string;
  let backends: string;
  const workers: WorkerProcess[] = [];
  const workerPids = () => workers.map((w) => w.pid);

  const startWorker = async () => {
    const worker = await startWorkerProcess(h, {
      backends,
      env: { ...sharedWith(agentDir), WORKER_LOCK_SECONDS: LOCK_SECONDS },
    });
    workers.push(worker);
    return worker;
  };

  /**
   * SIGKILLs the worker that runs `start`'s agent, as a dying machine would. Its agent's
   * sandbox dies with it: no process of that agent may be left on the machine.
   */
  const crash = async (start: AgentStart) => {
    const pid = workerRunning(agentDir, start.task, workerPids());
    const victim = workers.find((w) => w.pid === pid);
    if (!victim) throw new Error(`no worker of ours runs ${start.task}`);
    await victim.kill();
    workers.splice(workers.indexOf(victim), 1);
    await agentsGone(agentDir, {
      task: start.task,
      survivors: workerPids(),
      what: `the killed worker's agent on ${start.task} to be gone with it`,
    });
  };

  beforeAll(async () => {
    h = await startHarness({ roles: { worker: false } });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
    agentDir = coordinationDir();
    backends = backendsJson([
      { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: agentDir } },
    ]);
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    releaseHolds(agentDir);
    await Promise.all(workers.map((w) => w.stop()));
    await h.close();
    rmSync(agentDir, { recursive: true, force: true });
  });

  const finished = (issue: number) =>
    waitFor(
      "the run to finish",
      async () => {
        const snapshot = await h.run(issue);
        return snapshot && snapshot.run.state !== "running" ? snapshot : null;
      },
      {
        explain: async () =>
          `${JSON.stringify(await h.run(issue))}\n${workers.map((w) => w.output()).join("\n")}`,
      },
    );

  it("is taken over by another worker through stalled-job recovery and lands once", async () => {
    while (workers.length < 2) await startWorker();
    writeFileSync(join(agentDir, "hold-slow"), "");
    const issue = await startRun(h, SPEC);
    const first = await waitFor("the agent to start on slow", () =>
      agentStarts(agentDir).find((s) => s.task === "slow"),
    );
    await crash(first);
    const killedAt = Date.now();

    // Still held, the agent's second start is seen running under a surviving worker.
    await waitFor("another worker to take slow over", () =>
      agentStarts(agentDir).find((s) => s.task === "slow" && s.id !== first.id),
    );
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    const taker = await waitFor("the second agent on slow to be seen on the machine", () =>
      workerRunning(agentDir, "slow", workerPids()),
    );
    expect(workerPids()).toContain(taker);
    unlinkSync(join(agentDir, "hold-slow"));
    const run = await finished(issue);
    expect(run.run.state).toBe("done");
    await h.settle();

    const slow = run.tasks.find((t) => t.id === "slow");
    expect(slow).toMatchObject({ status: "complete", attempts: 1 });
    const branch = `orchestrate/${issue}-core`;
    const commits = taskCommits(h, branch, issue, "slow");
    expect(commits.map((c) => c.sha)).toEqual([slow?.commit]);
    expect(await h.sandbox.fileAt(h.repo, branch, "slow.txt")).toBe("done by slow\n");
    expect(taskCommits(h, branch, issue, "after")).toHaveLength(1);
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.filter((p) => p.head === branch)).toHaveLength(1);
    console.info(
      `takeover after SIGKILL: ${takeoverSeconds.toFixed(1)} s (lock ${LOCK_SECONDS} s)`,
    );
  }, 90_000);

  it("completes with the commit a worker pushed just before it died, without running the agent again", async () => {
    while (workers.length < 2) await startWorker();
    writeFileSync(join(agentDir, "hold-pushed"), "");
    const issue = await startRun(
      h,
      specOf([
        "  - { id: pushed, group: core, title: Pushed task, description: Lands and then its worker dies. }",
        "  - { id: later, group: core, depends_on: [pushed], title: Later, description: Then this. }",
      ]),
    );
    const first = await waitFor("the agent to start on pushed", () =>
      agentStarts(agentDir).find((s) => s.task === "pushed"),
    );
    // What the dying worker managed to push: the task's commit, marked with its trailer.
    const branch = `orchestrate/${issue}-core`;
    const sha = await h.sandbox.commit(h.repo, {
      branch,
      files: { "pushed.txt": "done by pushed\n" },
      message: `Pushed task\n\nTask pushed of #${issue}.\n\nOrchestrate-Task: ${h.repo}#${issue} pushed`,
      author: "orchestrate[bot]",
    });
    await crash(first);
    unlinkSync(join(agentDir, "hold-pushed"));

    const run = await finished(issue);
    expect(run.run.state).toBe("done");
    await h.settle();
    const task = run.tasks.find((t) => t.id === "pushed");
    expect(task).toMatchObject({ status: "complete", attempts: 1, commit: sha });
    expect(task?.report).toMatch(/taken over without running the agent again/);
    expect(agentStarts(agentDir).filter((s) => s.task === "pushed")).toEqual([first]);
    expect(taskCommits(h, branch, issue, "pushed").map((c) => c.sha)).toEqual([sha]);
    expect(await h.sandbox.fileAt(h.repo, branch, "later.txt")).toBe("done by later\n");
  }, 90_000);
});
