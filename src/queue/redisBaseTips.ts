import { z } from "zod";
import type { BaseTipStore } from "../runs/baseTipStore.js";
import type { RedisClient } from "./redisConnection.js";

const tipSchema = z.object({ sha: z.string(), etag: z.string().nullable() });
/** A repository nobody polls for a week is forgotten (its next poll only records its tip). */
const KEEP_MS = 7 * 24 * 60 * 60_000;

export function redisBaseTips(redis: RedisClient, prefix: string): BaseTipStore {
  const key = (repo: string) => `${prefix}:base-tip:${repo.toLowerCase()}`;
  return {
    async get(repo) {
      const raw = await redis.get(key(repo));
      if (!raw) return null;
      // A cache: one that does not parse is as good as none.
      try {
        const parsed = tipSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async set(repo, tip) {
      await redis.set(key(repo), JSON.stringify(tip), "PX", KEEP_MS);
    },
  };
}
