import { Cluster } from "ioredis";
import type { RedisClient } from "../src/queue/redisConnection.js";

/** FLUSHDB on one Redis, or on every master of a cluster (each holds only its own slots). */
export async function emptyRedis(connection: RedisClient): Promise<void> {
  if (connection instanceof Cluster) {
    await Promise.all(connection.nodes("master").map((node) => node.flushdb()));
  } else {
    await connection.flushdb();
  }
}
