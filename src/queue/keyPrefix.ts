import { Cluster } from "ioredis";
import type { RedisClient } from "./redisConnection.js";

/**
 * The prefix every Orchestrate and BullMQ key starts with. On a Redis Cluster it is a hash tag
 * (`{orchestrate}`), so every key is in one slot: BullMQ's scripts and ours (a run's keys with
 * the run index and its queue's jobs, in one script or pipeline) are then never cross-slot.
 * A single Redis or a Sentinel group keeps the plain prefix, so their keys do not move.
 */
export function keyPrefix(redis: RedisClient, prefix: string): string {
  return redis instanceof Cluster ? `{${prefix}}` : prefix;
}
