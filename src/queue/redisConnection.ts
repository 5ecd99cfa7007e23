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
      // While a master is down and before its replica is promoted, the cluster answers
      // CLUSTERDOWN or the slot's node is unreachable: keep retrying through the node timeout
      // rather than failing the command after ioredis' default 16 redirections.
      maxRedirections: 1000,
      retryDelayOnClusterDown: 200,
      retryDelayOnFailover: 200,
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
