import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventJob } from "../../src/queue/eventJob.js";
import { type EventQueue, eventQueue, startEventWorker } from "../../src/queue/eventQueue.js";
import { keyPrefix } from "../../src/queue/keyPrefix.js";
import { type RedisClient, redisConnection } from "../../src/queue/redisConnection.js";
import { waitFor } from "../e2e/helpers.js";
import { type RedisCluster, startRedisCluster } from "../faults/redisCluster.js";

// The failover the e2e cluster test cannot always catch: the event worker idle, blocked on its
// queue with a delayed job due soon (a status comment edit), when its master dies. Where in its
// loop the worker is at that moment is left to chance: with ioredis retrying for long inside
// the client, this hung in most tries, not in every one.
describe("an idle event worker on a Redis Cluster whose master fails over", () => {
  let cluster: RedisCluster;
  let connection: RedisClient;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    connection = redisConnection(cluster.url);
    connection.on("error", () => undefined);
  }, 90_000);
  afterAll(async () => {
    connection?.disconnect();
    await cluster?.stop();
  });

  it("takes the jobs queued after the failover, and the delayed one queued before", async () => {
    const prefix = keyPrefix(connection, "failover");
    const events: EventQueue = eventQueue(connection, prefix, 1500);
    const handled: string[] = [];
    const worker = startEventWorker(
      connection,
      prefix,
      async (event: EventJob) => {
        handled.push(event.type === "settle" ? event.group : event.type);
      },
      () => undefined,
      () => undefined,
    );
    try {
      await events.settle("o/r#1", 1, "before", "first");
      await waitFor("the first job", () => handled.includes("before"));
      await events.requestPublish("o/r#1", 1);
      const master = await cluster.masterOf(`${prefix}:events:wait`);
      await master.kill();
      await cluster.failedOver(master);
      await events.settle("o/r#1", 1, "after", "second");
      await waitFor("the jobs queued around the failover", () =>
        ["after", "publish"].every((job) => handled.includes(job)),
      );
      expect(handled.sort()).toEqual(["after", "before", "publish"]);
    } finally {
      await worker.close();
      await events.close();
    }
  }, 90_000);
});
