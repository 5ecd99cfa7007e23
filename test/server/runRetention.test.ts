import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readRunStats } from "../../src/queue/readRunStats.js";
import { redisReviewStore } from "../../src/queue/redisReviewStore.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { CorruptRecordError } from "../../src/runs/runSchema.js";
import { runRecord, taskRecord } from "../runs/statusFixtures.js";

// What the stores keep in Redis, and for how long, against a real Redis.
let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(() => redis.disconnect());
const freshPrefix = () => `retention-${randomUUID().slice(0, 8)}`;
const DAY = 24 * 3600 * 1000;
const KEY = "acme/shop#4";

describe("an ended run's keys", () => {
  it("expire after the operator's retention, and are kept for good again when the run is re-run", async () => {
    const prefix = freshPrefix();
    const store = redisRunStore(redis, prefix, { retentionMs: 3 * DAY });
    const keys = [`${prefix}:run:${KEY}`, `${prefix}:run:${KEY}:tasks`];
    await store.put({
      run: runRecord({ key: KEY, issueNumber: 4, state: "running" }),
      tasks: [taskRecord("a", { status: "in_progress", attempts: 1 })],
    });
    for (const key of keys) expect(await redis.pttl(key), key).toBe(-1);
    await store.updateTask(KEY, "a", (t) => ({ ...t, status: "complete" }));
    await store.updateRun(KEY, (r) => ({ ...r, state: "done" }));
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(3 * DAY - 60_000);
      expect(ttl, key).toBeLessThanOrEqual(3 * DAY);
    }
    // Labelled again: the run is active, and nothing of it may vanish under it.
    await store.updateRun(KEY, (r) => ({ ...r, state: "running" }));
    for (const key of keys) expect(await redis.pttl(key), key).toBe(-1);
  });

  it("once expired, leave the run index and the figures", async () => {
    const prefix = freshPrefix();
    const store = redisRunStore(redis, prefix, { retentionMs: 50 });
    await store.put({
      run: runRecord({ key: KEY, issueNumber: 4, state: "done" }),
      tasks: [taskRecord("a", { status: "complete", attempts: 1 })],
    });
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.get(KEY)).toBeNull();
    expect(await readRunStats(redis, prefix)).toEqual({ runs: {}, tasks: {}, attempts: 0 });
    expect(await redis.sismember(`${prefix}:runs`, KEY)).toBe(0);
  });

  it("of a parked PR of an ended run expire too, and a PR followed again is kept for good", async () => {
    const prefix = freshPrefix();
    const reviews = redisReviewStore(redis, prefix, { retentionMs: 3 * DAY });
    const pull = {
      owner: "acme",
      repo: "shop",
      number: 9,
      installationId: 7,
      runKey: KEY,
      group: "docs",
    };
    const key = `${prefix}:review:pull:acme/shop#9`;
    await reviews.track(pull);
    expect(await redis.pttl(key)).toBe(-1);
    await reviews.park("acme", "shop", 9);
    expect(await redis.pttl(key)).toBeGreaterThan(3 * DAY - 60_000);
    // A later change to the record (a webhook that wakes nothing) keeps its expiry.
    await reviews.update("acme", "shop", 9, (r) => ({
      ...r,
      lastActivityAt: new Date().toISOString(),
    }));
    expect(await redis.pttl(key)).toBeGreaterThan(3 * DAY - 60_000);
    expect((await reviews.polled()).get(7) ?? []).toEqual([]);
    await reviews.track(pull);
    expect(await redis.pttl(key)).toBe(-1);
    expect((await reviews.polled()).get(7)?.map((r) => r.number)).toEqual([9]);
  });
});

describe("values read back from Redis", () => {
  it("are checked against their schema, and one that fails is reported with its key", async () => {
    const prefix = freshPrefix();
    const store = redisRunStore(redis, prefix);
    await store.put({
      run: runRecord({ key: KEY, issueNumber: 4, state: "running" }),
      tasks: [taskRecord("a", { status: "pending" })],
    });
    // Another version's value, or a hand edit: a status the machine does not know.
    const tasks = `${prefix}:run:${KEY}:tasks`;
    const a = JSON.parse((await redis.hget(tasks, "a")) ?? "{}");
    await redis.hset(tasks, "a", JSON.stringify({ ...a, status: "half-done" }));
    const error = await store.get(KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect(String(error)).toContain(`${tasks} a`);
    expect(String(error)).toContain("status");
    // A run record cut short is not JSON at all.
    await redis.set(`${prefix}:run:${KEY}`, '{"key":"acme/shop#4","sta');
    await expect(store.stateOf(KEY)).rejects.toThrow(
      `${prefix}:run:${KEY} is not a valid Orchestrate record: not JSON`,
    );
  });

  it("of a followed PR are checked too", async () => {
    const prefix = freshPrefix();
    const reviews = redisReviewStore(redis, prefix);
    await reviews.track({
      owner: "acme",
      repo: "shop",
      number: 9,
      installationId: 7,
      runKey: KEY,
      group: "docs",
    });
    const key = `${prefix}:review:pull:acme/shop#9`;
    const record = JSON.parse((await redis.get(key)) ?? "{}");
    await redis.set(key, JSON.stringify({ ...record, installationId: "seven" }));
    await expect(reviews.get("acme", "shop", 9)).rejects.toThrow(CorruptRecordError);
    await expect(reviews.get("acme", "shop", 9)).rejects.toThrow(key);
  });
});
