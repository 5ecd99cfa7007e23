import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import {
  agentProcesses,
  agentStarts,
  appComments,
  backendsJson,
  coordinationDir,
  releaseHolds,
  sharedWith,
  specOf,
  startRun,
  waitFor,
} from "./helpers.js";
import { startWorkerProcess, type WorkerProcess } from "./workerProcess.js";

/** People's comments reach the app as issue_comment webhooks, signed like GitHub's. */
function deliverComments(h: Harness): void {
  h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
}

describe("/orchestrate stop", () => {
  let h: Harness;
  let dir: string;
  let redis: Redis;
  let tasks: Queue;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    h = await startHarness({ roles: { worker: false } });
    h.sandbox.setPermission(h.repo, "maintainer-user", "maintain");
    deliverComments(h);
    dir = coordinationDir();
    // Agents that ignore SIGTERM and keep a grandchild: only SIGKILL ends them.
    const env = {
      SCRIPTED_AGENT_DIR: dir,
      SCRIPTED_AGENT_CHILD: "1",
      SCRIPTED_AGENT_IGNORE_TERM: "1",
    };
    const backends = backendsJson([{ name: "scripted", agent: "scripted-agent.mjs", env }]);
    for (let i = 0; i < 2; i++) {
      workers.push(await startWorkerProcess(h, { backends, env: sharedWith(dir) }));
    }
    redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
    tasks = new Queue("tasks", { connection: redis, prefix: h.prefix });
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    releaseHolds(dir);
    await Promise.all(workers.map((w) => w.stop()));
    await tasks.close();
    redis.disconnect();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("cancels every queued and running job and kills every agent process", async () => {
    for (const id of ["a", "b", "c"]) writeFileSync(join(dir, `hold-${id}`), "");
    const issue = await startRun(
      h,
      specOf([
        "  - { id: a, group: one, title: Task a, description: Runs. }",
        "  - { id: b, group: one, title: Task b, description: Runs. }",
        "  - { id: c, group: two, title: Task c, description: Waits in the queue. }",
        "  - { id: d, group: two, depends_on: [a], title: Task d, description: Never ready. }",
      ]),
    );
    // Two workers, one job each: two agents run and one job waits in the queue.
    const running = await waitFor("two agents to run", () => {
      const starts = agentStarts(dir);
      return starts.length === 2 ? starts : null;
    });
    expect(await tasks.getJobCounts("waiting", "prioritized")).toMatchObject({
      waiting: 0,
      prioritized: 1,
    });

    // On this machine, each of them runs with the grandchild it started.
    for (const start of running) {
      const argvs = agentProcesses(dir, start.task).map((p) => p.argv.join(" "));
      expect(argvs.some((a) => a.includes("scripted-agent.mjs"))).toBe(true);
      expect(argvs.some((a) => a.includes(`scripted-agent-child ${start.id}`))).toBe(true);
    }

    const stoppedAt = Date.now();
    await h.sandbox.comment(h.repo, issue, "maintainer-user", "/orchestrate stop");
    await waitFor(
      "every agent process to be gone and no job left",
      async () => {
        const counts = await tasks.getJobCounts("waiting", "prioritized", "active", "delayed");
        const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
        return agentProcesses(dir).length === 0 && jobs === 0;
      },
      {
        explain: async () =>
          JSON.stringify({ run: await h.run(issue), left: agentProcesses(dir) }, null, 1),
      },
    );
    const run = await waitFor("every task to be cancelled", async () => {
      const snapshot = await h.run(issue);
      return snapshot?.tasks.every((t) => t.status === "cancelled") ? snapshot : null;
    });
    const seconds = (Date.now() - stoppedAt) / 1000;
    expect(run.run.state).toBe("stopped");
    expect(agentStarts(dir)).toHaveLength(2);

    await h.settle();
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
    const [status, ...others] = appComments(h, issue);
    expect(others).toEqual([]);
    expect(status).toContain("⏹️ Stopped");
    expect(status).toMatch(/_stopped by @(&#8203;)?maintainer-user_/);
    expect(status?.match(/🚫 cancelled/g)).toHaveLength(4);
    expect(status).not.toContain("🟡 in progress");
    console.info(`stop: agents killed and jobs gone ${seconds.toFixed(1)} s after the comment`);
  });
});

describe("/orchestrate retry <task-id>", () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = coordinationDir();
    h = await startHarness({
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "limits:\n  attempts: 1\n" },
      env: {
        ...sharedWith(dir),
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: dir } },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "write");
    deliverComments(h);
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a failed task again, and then what waited on it", async () => {
    writeFileSync(join(dir, "fail-flaky"), "");
    const issue = await startRun(
      h,
      specOf([
        "  - { id: flaky, group: core, title: Flaky, description: Fails the first time. }",
        "  - { id: docs, group: core, depends_on: [flaky], title: Docs, description: After it. }",
      ]),
    );
    await h.settle();
    let run = await h.run(issue);
    expect(run?.run.state).toBe("failed");
    expect(run?.tasks.find((t) => t.id === "flaky")?.report).toMatch(
      /^agent-failed \(attempt \d+, backend scripted\): scripted exited with 1: [\s\S]*flaky was told to fail/,
    );
    expect(run?.tasks.find((t) => t.id === "docs")?.status).toBe("pending");
    expect(appComments(h, issue)[0]).toContain("Retry failed task `flaky`");

    await h.sandbox.comment(h.repo, issue, "maintainer-user", "/orchestrate retry nope");
    await h.settle();
    const answer = appComments(h, issue)[1];
    expect(answer).toContain("there is no failed task `nope` to retry; failed tasks: `flaky`");

    unlinkSync(join(dir, "fail-flaky"));
    await h.sandbox.comment(h.repo, issue, "maintainer-user", "/orchestrate retry flaky");
    await h.settle();
    run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.find((t) => t.id === "flaky")).toMatchObject({
      status: "complete",
      attempts: 2,
    });
    const branch = `orchestrate/${issue}-core`;
    expect(await h.sandbox.fileAt(h.repo, branch, "flaky.txt")).toBe("done by flaky\n");
    expect(await h.sandbox.fileAt(h.repo, branch, "docs.txt")).toBe("done by docs\n");
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.map((p) => p.head)).toEqual([branch]);
    const comments = appComments(h, issue);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain("✅ Done");
  });
});
