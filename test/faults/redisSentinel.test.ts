import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../e2e/harness.js";
import {
  agentStarts,
  backendsJson,
  coordinationDir,
  sharedWith,
  specOf,
  startRun,
  waitFor,
} from "../e2e/helpers.js";
import { startFaultHarness } from "./faultHarness.js";
import { expectLandedOnce } from "./outcome.js";
import { type RedisSentinel, startRedisSentinel } from "./redisSentinel.js";

// Four tasks, one worker slot: while the first runs, the other three wait in the queue.
const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }",
  "  - { id: routes, group: api, title: REST routes, description: Add routes. }",
  "  - { id: docs, group: api, title: API docs, description: Document it. }",
]);
const GROUPS = { db: ["schema", "queries"], api: ["routes", "docs"] };

// REDIS_URL names a Sentinel group (a master, its replica, three sentinels). The master is
// killed mid-run, the sentinels promote the replica, the app's connections find the new master
// through the sentinels, and the run goes on from what was replicated.
describe("a run on a Sentinel group whose master fails over mid-run", () => {
  let group: RedisSentinel;
  let h: Harness;
  let agentDir: string;

  beforeAll(async () => {
    group = await startRedisSentinel();
    agentDir = coordinationDir();
    h = await startFaultHarness({
      redisUrl: group.url,
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
    await h?.close();
    await group?.stop();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it("finishes the run done, every task landed once and every agent run once", async () => {
    writeFileSync(join(agentDir, "hold-schema"), "");
    const issue = await startRun(h, SPEC, "Saved searches");
    await waitFor("schema's agent to start", () =>
      agentStarts(agentDir).some((s) => s.task === "schema"),
    );
    await group.master.kill();
    await group.failedOver();
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
});
