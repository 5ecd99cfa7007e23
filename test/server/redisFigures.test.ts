import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readRunStats } from "../../src/queue/readRunStats.js";
import { redisRateLimits } from "../../src/queue/redisRateLimits.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import type { RunState, TaskStatus } from "../../src/runs/run.js";
import { runRecord, taskRecord } from "../runs/statusFixtures.js";

// The figures /metrics reads from Redis, against a real Redis and the real run store.
let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(() => redis.disconnect());
const freshPrefix = () => `figures-${randomUUID().slice(0, 8)}`;

describe("readRunStats", () => {
  it("counts every run and task the store holds, across many script batches", async () => {
    const prefix = freshPrefix();
    const store = redisRunStore(redis, prefix);
    const states: RunState[] = ["running", "done", "failed"];
    const statuses: TaskStatus[] = ["complete", "in_progress", "failed"];
    // 250 runs: more than two batches of the SSCAN / script loop.
    for (let i = 1; i <= 250; i++) {
      await store.put({
        run: runRecord({ key: `acme/shop#${i}`, issueNumber: i, state: states[i % 3] }),
        tasks: [
          taskRecord("a", { status: statuses[i % 3], attempts: 1 }),
          taskRecord("b", { status: "pending", attempts: 0, description: "x".repeat(4000) }),
          taskRecord("c", { status: "complete", attempts: 2 }),
        ],
      });
    }
    const stats = await readRunStats(redis, prefix);
    expect(stats.runs).toEqual({ running: 83, done: 84, failed: 83 });
    expect(stats.tasks).toEqual({ complete: 83 + 250, in_progress: 84, failed: 83, pending: 250 });
    expect(stats.attempts).toBe(250 * 3);
  });

  it("is all zeros for a prefix with no runs, and skips a run whose record is gone", async () => {
    const prefix = freshPrefix();
    expect(await readRunStats(redis, prefix)).toEqual({ runs: {}, tasks: {}, attempts: 0 });
    await redis.sadd(`${prefix}:runs`, "acme/gone#1");
    expect(await readRunStats(redis, prefix)).toEqual({ runs: {}, tasks: {}, attempts: 0 });
  });
});

describe("redisRateLimits", () => {
  const reading = (remaining: number, reset: number) => ({
    installationId: 7,
    resource: "core",
    limit: 5000,
    remaining,
    reset,
  });

  it("keeps the lowest remaining of a window, whatever order processes report in", async () => {
    const book = redisRateLimits(redis, freshPrefix());
    const now = 1_700_000_000;
    await book.record(reading(4900, now + 600));
    await book.record(reading(4950, now + 600)); // an older response, reported late
    expect(await book.read(now)).toEqual([reading(4900, now + 600)]);
    // A new window starts over.
    await book.record(reading(4999, now + 4200));
    expect(await book.read(now)).toEqual([reading(4999, now + 4200)]);
  });

  it("reports a window past its reset as refilled, and forgets a silent installation", async () => {
    const book = redisRateLimits(redis, freshPrefix());
    const now = 1_700_000_000;
    await book.record(reading(10, now - 60));
    expect(await book.read(now)).toEqual([reading(5000, now - 60)]);
    expect(await book.read(now + 2 * 24 * 3600)).toEqual([]);
    expect(await book.read(now)).toEqual([]);
  });

  it("keeps installations and resources apart", async () => {
    const book = redisRateLimits(redis, freshPrefix());
    const now = 1_700_000_000;
    await book.record(reading(100, now + 60));
    await book.record({ ...reading(200, now + 60), resource: "graphql" });
    await book.record({ ...reading(300, now + 60), installationId: 8 });
    const seen = (await book.read(now)).map(
      (r) => `${r.installationId}/${r.resource}=${r.remaining}`,
    );
    expect(seen.sort()).toEqual(["7/core=100", "7/graphql=200", "8/core=300"]);
  });
});
