import type { RedisClient } from "./redisConnection.js";

/** What one GitHub response said about an installation's primary rate limit. */
export interface RateLimitReading {
  installationId: number;
  /** `core`, `graphql`, `search`… (GitHub's `x-ratelimit-resource`) */
  resource: string;
  limit: number;
  remaining: number;
  /** when the window refills, in epoch seconds */
  reset: number;
}

export interface RateLimitBook {
  record(reading: RateLimitReading): Promise<void>;
  /** the latest reading per installation and resource, as any process sharing the Redis saw it */
  read(nowSeconds?: number): Promise<RateLimitReading[]>;
}

// Every process (server and workers) calls GitHub on the same installations' budgets, so the
// readings meet in Redis and the server's /metrics reports what all of them saw. Within one
// window `remaining` only falls, so a reading that arrives late (another process's older one)
// does not overwrite a lower one.
const RECORD = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, seen = pcall(cjson.decode, current)
  if ok and seen.reset == tonumber(ARGV[2]) and seen.remaining <= tonumber(ARGV[3]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return 1`;

/** Readings this long past their window's reset are dropped: the installation went quiet. */
const FORGET_AFTER_SECONDS = 24 * 3600;

export function redisRateLimits(redis: RedisClient, prefix: string): RateLimitBook {
  const key = `${prefix}:github-rate-limit`;
  return {
    async record(reading) {
      await redis.eval(
        RECORD,
        1,
        key,
        `${reading.installationId}:${reading.resource}`,
        String(reading.reset),
        String(reading.remaining),
        JSON.stringify(reading),
      );
    },
    async read(nowSeconds = Math.floor(Date.now() / 1000)) {
      const readings: RateLimitReading[] = [];
      const stale: string[] = [];
      for (const [field, json] of Object.entries(await redis.hgetall(key))) {
        const reading = JSON.parse(json) as RateLimitReading;
        if (reading.reset + FORGET_AFTER_SECONDS < nowSeconds) {
          stale.push(field);
          continue;
        }
        // Past its reset the window has refilled, though no response has said so yet.
        readings.push(
          reading.reset < nowSeconds ? { ...reading, remaining: reading.limit } : reading,
        );
      }
      if (stale.length > 0) await redis.hdel(key, ...stale);
      return readings;
    },
  };
}
