import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { enforceBudget } from "../../src/runs/enforceBudget.js";
import type { RunRecord, TaskRecord } from "../../src/runs/run.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// The token and dollar budgets, on the real store: a run whose agents reported spending past
// `limits.tokens` or `limits.usd` stops with a line saying what was spent and how to go on,
// and its waiting work is cancelled; a cost nobody knows is not counted.
describe("enforceBudget with limits.tokens and limits.usd", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());
  const key = "acme/shop#12";

  async function run(limits: Partial<RunRecord["config"]["limits"]>, done: TaskRecord[]) {
    const store = redisRunStore(redis, `budget-${randomUUID().slice(0, 8)}`);
    const base = runRecord({ key, state: "running" });
    const config = { ...base.config, limits: { ...base.config.limits, ...limits } };
    const waiting = taskRecord("next", { status: "pending", depends_on: [] });
    await store.put({ run: { ...base, config }, tasks: [...done, waiting] });
    const stopped = await enforceBudget(key, store);
    return { stopped, snapshot: await store.get(key) };
  }
  const spent = (id: string, usage: TaskRecord["usage"]) =>
    taskRecord(id, { status: "complete", attempts: 1, usage });

  it("stops the run once its tokens in and out reach limits.tokens", async () => {
    const { stopped, snapshot } = await run({ tokens: 10_000 }, [
      spent("a", { inputTokens: 8_000, outputTokens: 1_000 }),
      spent("b", { inputTokens: 1_200, outputTokens: 300 }),
    ]);
    expect(stopped).toBe(true);
    expect(snapshot?.run.state).toBe("stopped");
    expect(snapshot?.run.reason).toBe(
      "stopped: its budget of 10,000 tokens is spent (10,500 used): raise `limits.tokens` in .github/orchestrate.yml, then `/orchestrate` to go on",
    );
    expect(snapshot?.tasks.find((t) => t.id === "next")).toMatchObject({
      status: "cancelled",
      report: "budget spent",
    });
  });

  it("lets the run go on below limits.tokens", async () => {
    const { stopped, snapshot } = await run({ tokens: 10_000 }, [
      spent("a", { inputTokens: 8_000, outputTokens: 1_999 }),
    ]);
    expect(stopped).toBe(false);
    expect(snapshot?.run.state).toBe("running");
  });

  it("stops the run once the known cost reaches limits.usd, in dollars to the cent", async () => {
    const { stopped, snapshot } = await run({ usd: 0.5 }, [
      spent("a", { inputTokens: 1, outputTokens: 1, costUsd: 0.3141 }),
      spent("b", { inputTokens: 1, outputTokens: 1, costUsd: 0.2 }),
    ]);
    expect(stopped).toBe(true);
    expect(snapshot?.run.reason).toBe(
      "stopped: its budget of $0.50 is spent ($0.51 used): raise `limits.usd` in .github/orchestrate.yml, then `/orchestrate` to go on",
    );
  });

  it("does not count a cost nobody knows against limits.usd", async () => {
    const { stopped, snapshot } = await run({ usd: 0.5 }, [
      spent("a", { inputTokens: 900_000, outputTokens: 90_000, unpriced: 1 }),
      spent("b", { inputTokens: 1, outputTokens: 1, costUsd: 0.49 }),
    ]);
    expect(stopped).toBe(false);
    expect(snapshot?.run.state).toBe("running");
  });

  it("has no cap without limits.tokens or limits.usd", async () => {
    const { stopped } = await run({}, [
      spent("a", { inputTokens: 50_000_000, outputTokens: 5_000_000, costUsd: 900 }),
    ]);
    expect(stopped).toBe(false);
  });
});
