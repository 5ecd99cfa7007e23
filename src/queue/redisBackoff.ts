import type { RedisClient } from "./redisConnection.js";

/** Scopes (an installation, a repository) GitHub refused, kept out of polling for a while. */
export interface Backoff {
  /** when the scope may be tried again (ms since epoch), or null when it may be now */
  blockedUntil(scope: string): Promise<number | null>;
  /** records a refusal; the wait doubles with each one in a row. Returns how long it is. */
  refused(scope: string): Promise<number>;
  /** GitHub's limits hold the scope back until `until` (ms since epoch): no refusal counted */
  waitUntil(scope: string, until: number): Promise<void>;
  /** the scope answered again: forget its refusals */
  cleared(scope: string): Promise<void>;
}

const FIRST_MS = 5 * 60_000;
const LONGEST_MS = 6 * 60 * 60_000;

/**
 * Backoff shared by every process on the Redis: GitHub may suspend an App that keeps making
 * failing requests, so a refused installation or repository is asked again after 5 minutes,
 * then 10, 20… up to 6 hours, whichever process polls.
 */
export function redisBackoff(redis: RedisClient, prefix: string, now = () => Date.now()): Backoff {
  const key = (scope: string) => `${prefix}:backoff:${scope}`;
  return {
    async blockedUntil(scope) {
      const raw = await redis.get(key(scope));
      if (!raw) return null;
      const { until } = JSON.parse(raw) as { until: number; refusals: number };
      return until > now() ? until : null;
    },
    async refused(scope) {
      const raw = await redis.get(key(scope));
      const refusals = raw ? (JSON.parse(raw) as { refusals: number }).refusals + 1 : 1;
      const wait = Math.min(FIRST_MS * 2 ** (refusals - 1), LONGEST_MS);
      // Kept a day past the wait, so refusals in a row keep counting up.
      await redis.set(
        key(scope),
        JSON.stringify({ until: now() + wait, refusals }),
        "PX",
        wait + 86_400_000,
      );
      return wait;
    },
    async waitUntil(scope, until) {
      const raw = await redis.get(key(scope));
      const refusals = raw ? (JSON.parse(raw) as { refusals: number }).refusals : 0;
      const ttl = Math.max(1, until - now()) + 86_400_000;
      await redis.set(key(scope), JSON.stringify({ until, refusals }), "PX", ttl);
    },
    async cleared(scope) {
      await redis.del(key(scope));
    },
  };
}
