import { existsSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import type { Harness } from "./harness.js";
import {
  agentStarts,
  coordinationDir,
  releaseHolds,
  scriptedHarness,
  specOf,
  startRun,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = specOf([
  "  - { id: schema, group: db, title: Table, description: Add the table. }",
  "  - { id: routes, group: api, title: Routes, description: Add the routes. }",
]);

// A stop is a state in Redis, not only a message: what missed the message still obeys it.
describe("a durable stop", { timeout: 120_000 }, () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}) {
    dir = coordinationDir();
    h = await scriptedHarness(dir, {
      files: { ".github/orchestrate.yml": "backends: [scripted]\n" },
      backends: [
        {
          name: "planner",
          agent: "../fixtures/planners/held.mjs",
          env: { HELD_PLANNER_HOLD: join(dir, "planner-hold") },
        },
        { name: "crashing-planner", agent: "../fixtures/planners/crashes.mjs" },
      ],
      env,
      role: "maintain",
    });
  }

  const branches = async () => (await h.sandbox.branches(h.repo)).map((b) => b.name);
  const pulls = () => [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
  const status = (issue: number) =>
    h.sandbox.issueComments(h.repo, issue).find((c) => c.user === "orchestrate[bot]")?.body ?? "";

  it("a worker that never got the stop message does not push, and no PR is opened", async () => {
    await start();
    writeFileSync(join(dir, "hold-schema"), "");
    writeFileSync(join(dir, "hold-routes"), "");
    const issue = await startRun(h, SPEC);
    await waitFor("both agents to start", () => agentStarts(dir).length === 2);
    // The stop reaches Redis, but its message reaches no worker (a dropped pub/sub link).
    const redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
    await redisRunStore(redis, h.prefix).updateRun(`${h.repo}#${issue}`, (run) => ({
      ...run,
      state: "stopped",
      reason: "stopped by @maintainer-user",
    }));
    redis.disconnect();
    releaseHolds(dir);
    await h.settle();

    expect(await branches()).toEqual(["main"]);
    expect(pulls()).toEqual([]);
    const run = await h.run(issue);
    expect(run?.run.state).toBe("stopped");
    expect(run?.tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("a stop while the planner works wins over the plan it then gives", async () => {
    await start({ ORCHESTRATE_PLANNER: "planner" });
    writeFileSync(join(dir, "planner-hold"), "");
    const opened = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: "Users want to save searches.",
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, opened.number, "orchestrate", MAINTAINER);
    await waitFor("the planner to start", () => existsSync(join(dir, "planner-hold.started")));
    await h.sandbox.comment(h.repo, opened.number, MAINTAINER, "/orchestrate stop");
    await waitFor(
      "the run to stop",
      async () => (await h.run(opened.number))?.run.state === "stopped",
    );
    unlinkSync(join(dir, "planner-hold"));
    await h.settle();

    const run = await h.run(opened.number);
    expect(run?.run.state).toBe("stopped");
    expect(run?.tasks).toEqual([]);
    expect(agentStarts(dir)).toEqual([]);
    expect(await branches()).toEqual(["main"]);
    expect(status(opened.number)).toMatch(/Stopped · Orchestrate run/);
  });

  it("a planner that keeps failing ends the run failed, saying why and how to go on", async () => {
    await start({ ORCHESTRATE_PLANNER: "crashing-planner" });
    const opened = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: "Users want to save searches.",
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, opened.number, "orchestrate", MAINTAINER);
    await waitFor(
      "the run to fail",
      async () => (await h.run(opened.number))?.run.state === "failed",
      { timeoutMs: 90_000 },
    );
    await h.settle();
    const body = status(opened.number);
    expect(body).toMatch(/planning failed, several times: .*503 Service Unavailable/);
    expect(body).toMatch(/- \[ \] <!-- orchestrate:rerun --> Run again/);
  });

  it("a stop acts at once, even while GitHub holds back the 👀 that acknowledges it", async () => {
    await start();
    writeFileSync(join(dir, "hold-schema"), "");
    writeFileSync(join(dir, "hold-routes"), "");
    const issue = await startRun(h, SPEC);
    await waitFor("both agents to start", () => agentStarts(dir).length === 2);
    // GitHub's secondary limit refuses the reaction and asks for an hour's wait.
    h.sandbox.fail("reactions/create-for-issue-comment", 5, "secondary-rate-limit", 3600);
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate stop");
    const redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
    const store = redisRunStore(redis, h.prefix);
    try {
      const stopped = await waitFor("the run to be stopped and its tasks cancelled", async () => {
        const snapshot = await store.get(`${h.repo}#${issue}`);
        return snapshot?.run.state === "stopped" &&
          snapshot.tasks.every((t) => t.status === "cancelled")
          ? snapshot
          : undefined;
      });
      expect(stopped.run.reason).toBe(`stopped by @${MAINTAINER}`);
    } finally {
      redis.disconnect();
    }
    const refused = h.sandbox.state.requests.filter(
      (r) => r.operation === "reactions/create-for-issue-comment",
    );
    expect(refused.map((r) => r.status)).toEqual([403]);
  });
});
