import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { startPollScheduler } from "../../src/queue/pollScheduler.js";

describe("the review poller's clock", () => {
  it("runs one poll pass per cycle however many processes share the Redis", async () => {
    const redisUrl = inject("redisUrl");
    const prefix = `poll-${randomUUID().slice(0, 8)}`;
    const connections = [0, 1, 2].map(() => new Redis(redisUrl, { maxRetriesPerRequest: null }));
    const passes: string[] = [];
    const enough = new Promise<void>((done) => {
      const pass = (server: string) => async () => {
        passes.push(server);
        if (passes.length >= 4) done();
      };
      // Three servers start the poller against one Redis, as `npm start` on three machines would.
      void Promise.all(
        connections.map((c, i) =>
          startPollScheduler(c, prefix, 300, pass(`server-${i}`), () => {}),
        ),
      ).then((handles) => closers.push(...handles));
    });
    const closers: Array<{ close(): Promise<void> }> = [];
    await enough;
    for (const handle of closers) await handle.close();

    const queue = new Queue("poll", { connection: connections[0]!, prefix });
    expect(await queue.getJobSchedulersCount()).toBe(1);
    const done = await queue.getJobs(["completed"], 0, -1);
    // Each pass belongs to its own scheduled slot: no slot ran twice.
    const slots = done.map((job) => job.timestamp);
    expect(new Set(slots).size).toBe(slots.length);
    expect(done.length).toBeGreaterThanOrEqual(4);
    expect(passes).toHaveLength(done.length);
    await queue.obliterate({ force: true });
    await queue.close();
    for (const c of connections) c.disconnect();
  });
});
