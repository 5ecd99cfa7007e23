import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, WEBHOOK_SECRET } from "../e2e/harness.js";
import {
  agentProcesses,
  agentStarts,
  backendsJson,
  coordinationDir,
  releaseHolds,
  sharedWith,
  specOf,
  startRun,
  waitFor,
} from "../e2e/helpers.js";
import { MAINTAINER, startFaultHarness } from "./faultHarness.js";
import { expectLandedOnce } from "./outcome.js";
import { type RedisCluster, startRedisCluster } from "./redisCluster.js";

// Four tasks, one worker slot: while the first runs, the other three wait in the queue.
const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }",
  "  - { id: routes, group: api, title: REST routes, description: Add routes. }",
  "  - { id: docs, group: api, title: API docs, description: Document it. }",
]);
const GROUPS = { db: ["schema", "queries"], api: ["routes", "docs"] };

// REDIS_URL names a 3-master cluster (each master with a replica). Every key of the app and
// BullMQ is in one slot ({prefix}), so no script or pipeline is cross-slot; the master of that
// slot is killed mid-run and its replica promoted, and the run goes on from what was replicated.
describe("a run on a Redis Cluster whose master fails over mid-run", () => {
  let cluster: RedisCluster;
  let h: Harness;
  let agentDir: string;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    agentDir = coordinationDir();
    h = await startFaultHarness({
      redisUrl: cluster.url,
      env: {
        ...sharedWith(agentDir),
        WORKER_CONCURRENCY: "1",
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: agentDir } },
        ]),
      },
    });
  }, 90_000);
  afterAll(async () => {
    releaseHolds(agentDir);
    await h?.close();
    await cluster?.stop();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it("finishes the run done, every task landed once and every agent run once", async () => {
    writeFileSync(join(agentDir, "hold-schema"), "");
    const issue = await startRun(h, SPEC, "Saved searches");
    await waitFor("schema's agent to start", () =>
      agentStarts(agentDir).some((s) => s.task === "schema"),
    );
    // The queue's slot: where the three waiting jobs and the running one's lock are.
    const master = await cluster.masterOf(`{${h.prefix}}:tasks:wait`);
    await master.kill();
    await cluster.failedOver(master);
    unlinkSync(join(agentDir, "hold-schema"));

    const run = await waitFor(
      "the run to end",
      async () => {
        const snapshot = await h.run(issue);
        return snapshot && (snapshot.run.state === "done" || snapshot.run.state === "failed")
          ? snapshot
          : null;
      },
      { timeoutMs: 60_000, explain: async () => JSON.stringify(await h.run(issue), null, 1) },
    );
    expect(run.run.state).toBe("done");
    await expectLandedOnce(h, issue, GROUPS);
    expect(
      agentStarts(agentDir)
        .map((s) => s.task)
        .sort(),
    ).toEqual(["docs", "queries", "routes", "schema"]);
  }, 120_000);

  // A stop reaches the worker over pub/sub (PUBLISH is broadcast to every node of a cluster),
  // on the subscriber made before the failover above: the held agent is killed at once.
  it("stops a running agent as soon as the run is stopped", async () => {
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    writeFileSync(join(agentDir, "hold-held"), "");
    const issue = await startRun(
      h,
      specOf(["  - { id: held, group: one, title: Held task, description: Waits. }"]),
      "Stopped work",
    );
    // Announced: it is past its start and waiting on its hold.
    await waitFor("held's agent to run", () =>
      agentStarts(agentDir).some((s) => s.task === "held"),
    );
    expect(agentProcesses(agentDir, "held").length).toBeGreaterThan(0);
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate stop");
    await waitFor("held's agent to be gone", () => agentProcesses(agentDir, "held").length === 0, {
      explain: async () => JSON.stringify(await h.run(issue), null, 1),
    });
    const run = await waitFor("held to be cancelled", async () => {
      const snapshot = await h.run(issue);
      return snapshot?.tasks.every((t) => t.status === "cancelled") ? snapshot : null;
    });
    expect(run.run.state).toBe("stopped");
    expect(agentStarts(agentDir).filter((s) => s.task === "held")).toHaveLength(1);
  });
});
