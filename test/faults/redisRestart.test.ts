import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/queue/embeddedRedis.js";
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

// Four tasks, one worker slot: while the first runs, the other three wait in the queue.
const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }",
  "  - { id: routes, group: api, title: REST routes, description: Add routes. }",
  "  - { id: docs, group: api, title: API docs, description: Document it. }",
]);
const GROUPS = { db: ["schema", "queries"], api: ["routes", "docs"] };

// Redis is the working state (DESIGN: AOF on). Stopped mid-run and started again on the same
// port and data directory, it must come back with every queued job and every run key, and the
// app's connections (ioredis reconnects by itself) must carry on where they were.
describe("Redis stopped and restarted in the middle of a run", () => {
  let redisDir: string;
  let redis: EmbeddedRedis;
  let h: Harness;
  let agentDir: string;

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), "orchestrate-faults-redis-"));
    redis = await startEmbeddedRedis(redisDir);
    agentDir = coordinationDir();
    h = await startFaultHarness({
      redisUrl: redis.url,
      env: {
        ...sharedWith(agentDir),
        WORKER_CONCURRENCY: "1",
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: agentDir } },
        ]),
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
    rmSync(agentDir, { recursive: true, force: true });
  });

  it("loses nothing queued before the stop, and a worker whose agent finished while Redis was down pushes once it can read the run again", async () => {
    writeFileSync(join(agentDir, "hold-schema"), "");
    const issue = await startRun(h, SPEC, "Saved searches");
    await waitFor("schema's agent to start", () =>
      agentStarts(agentDir).some((s) => s.task === "schema"),
    );
    const port = Number(new URL(redis.url).port);

    // Stopped the way an operator or a container runtime stops it (SIGTERM: AOF flushed).
    await redis.stop();
    // The agent finishes while Redis is down. Its push waits: a push is made only after the
    // worker read that the run still wants it (a stop is a state in Redis).
    unlinkSync(join(agentDir, "hold-schema"));
    await waitFor("schema's agent to finish", () =>
      readFileSync(join(agentDir, "finished.log"), { flag: "a+", encoding: "utf8" }).includes(
        "schema",
      ),
    );
    redis = await startEmbeddedRedis(redisDir, port);
    await waitFor("schema's push to reach GitHub", async () =>
      (await h.sandbox.branches(h.repo)).some((b) => b.name === `orchestrate/${issue}-db`),
    );
    const run = await waitFor(
      "the run to end",
      async () => {
        const snapshot = await h.run(issue);
        return snapshot && (snapshot.run.state === "done" || snapshot.run.state === "failed")
          ? snapshot
          : null;
      },
      { timeoutMs: 45_000, explain: async () => JSON.stringify(await h.run(issue), null, 1) },
    );
    expect(run.run.state).toBe("done");
    await expectLandedOnce(h, issue, GROUPS);
    // Every agent ran once: no job was lost (never run) or run again (taken for lost).
    expect(
      agentStarts(agentDir)
        .map((s) => s.task)
        .sort(),
    ).toEqual(["docs", "queries", "routes", "schema"]);
  });
});
