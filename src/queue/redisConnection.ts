import { Redis } from "ioredis";

/** ioredis as BullMQ workers need it: never give up on a command while Redis restarts. */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
