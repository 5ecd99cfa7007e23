import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import type { GroupRecord } from "../../src/runs/run.js";
import { settleRun } from "../../src/runs/settleRun.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// The run's verdict once its work is through, as its groups' PRs stand: `done_when: ready`
// ends it with every PR there and its threads resolved (a merged PR's left-over threads do not
// count); `done_when: merged` waits until every group's PR is merged.
describe("settleRun with merged groups", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());
  const key = "acme/shop#12";

  async function settle(done_when: "ready" | "merged", groups: GroupRecord[]) {
    const store = redisRunStore(redis, `settle-${randomUUID().slice(0, 8)}`);
    await store.put({
      run: runRecord({
        key,
        state: "reviewing",
        config: { ...defaultRepoConfig, done_when },
        groups,
      }),
      tasks: groups.map((g) => taskRecord(`${g.name}1`, { group: g.name, status: "complete" })),
    });
    return settleRun(key, store);
  }
  const group = (name: string, pull: number, over: Partial<GroupRecord> = {}): GroupRecord => ({
    name,
    branch: `orchestrate/12-${name}`,
    pull,
    ...over,
  });

  it("with done_when: ready, is done though a merged PR kept an open thread", async () => {
    const run = await settle("ready", [
      group("a", 2, { state: "merged", threads: { open: 1, resolved: 0, ignored: 0 } }),
      group("b", 3, { threads: { open: 0, resolved: 2, ignored: 0 } }),
    ]);
    expect(run?.state).toBe("done");
  });

  it("with done_when: merged, waits for the last merge, then is done", async () => {
    const waiting = await settle("merged", [group("a", 2, { state: "merged" }), group("b", 3)]);
    expect(waiting).toMatchObject({ state: "reviewing" });
    expect(waiting?.reason).toContain("to be merged (`done_when: merged`): #3 (b)");
    const merged = await settle("merged", [
      group("a", 2, { state: "merged" }),
      group("b", 3, { state: "merged" }),
    ]);
    expect(merged).toMatchObject({
      state: "done",
      reason: "every task is complete and every group's pull request is merged",
    });
  });
});
