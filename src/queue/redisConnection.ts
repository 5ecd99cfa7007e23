import { Cluster, Redis } from "ioredis";
import { parseRedisUrl } from "./parseRedisUrl.js";

/** A connection to a single Redis, a Sentinel group's master, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * ioredis as BullMQ workers need it: never give up on a command while Redis restarts or fails
 * over. REDIS_URL's forms are read by parseRedisUrl; the env check has refused bad ones.
 */
export function redisConnection(url: string): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === "single") {
    return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  }
  const tls = target.tls ? { tls: {} } : {};
  const auth = {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
  };
  if (target.kind === "cluster") {
    return new Cluster(target.nodes, {
      redisOptions: { maxRetriesPerRequest: null, ...auth, ...tls },
      enableReadyCheck: true,
      // ioredis' own redirection limits (16 tries, 100 ms apart) are kept on purpose: while a
      // master is down a command fails after a second or two and its caller retries (BullMQ's
      // worker loop, a job's attempts). Retrying for longer inside ioredis left an idle BullMQ
      // worker's blocking connection hung after a failover.
    });
  }
  return new Redis({
    sentinels: target.sentinels,
    name: target.name,
    db: target.db,
    ...auth,
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // Reconnect to the new master as soon as a sentinel announces +switch-master.
    failoverDetector: true,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  });
}

/** A second connection to the same Redis (a subscriber or a worker's blocking connection). */
// The two branches are the same call; TypeScript cannot call a method of a union of classes.
export function duplicateConnection(redis: RedisClient): RedisClient {
  return redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
}
