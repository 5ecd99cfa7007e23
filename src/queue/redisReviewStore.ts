import { randomUUID } from "node:crypto";
import { z } from "zod";
import { repoSeenSchema } from "../github/reviewThreads.js";
import type { ReviewStore, TrackedPullRecord } from "../runs/reviewStore.js";
import { parseStored } from "../runs/runSchema.js";
import { trackedPullSchema } from "../runs/trackedPullSchema.js";
import type { RedisClient } from "./redisConnection.js";
import { DEFAULT_RETENTION_MS } from "./redisRunStore.js";

// KEEPTTL: a parked record's expiry (see park) outlives the updates made to it.
const CAS = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const LOCK_MS = 120_000;

export function redisReviewStore(
  redis: RedisClient,
  prefix: string,
  options: { retentionMs?: number } = {},
): ReviewStore {
  const retention = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const name = (owner: string, repo: string, number: number) => `${owner}/${repo}#${number}`;
  const read = (id: string, json: string) => parseStored(trackedPullSchema, pullKey(id), json);
  const pullKey = (id: string) => `${prefix}:review:pull:${id}`;
  const polledKey = `${prefix}:review:polled`;
  const reposKey = (installationId: number) => `${prefix}:review:repos:${installationId}`;

  async function update(
    owner: string,
    repo: string,
    number: number,
    change: (pull: TrackedPullRecord) => TrackedPullRecord | null,
  ): Promise<TrackedPullRecord | null> {
    const key = pullKey(name(owner, repo, number));
    for (let i = 0; i < 50; i++) {
      const current = await redis.get(key);
      if (!current) return null;
      const next = change(read(name(owner, repo, number), current));
      if (!next) return null;
      if ((await redis.eval(CAS, 1, key, current, JSON.stringify(next))) === 1) return next;
    }
    throw new Error(`tracked pull ${name(owner, repo, number)} kept changing while it was updated`);
  }

  return {
    async track(pull) {
      const id = name(pull.owner, pull.repo, pull.number);
      const fresh: TrackedPullRecord = {
        ...pull,
        seen: null,
        handled: {},
        ignored: [],
        lastActivityAt: new Date().toISOString(),
        lastPushAt: null,
        polled: true,
      };
      await redis.set(pullKey(id), JSON.stringify(fresh), "NX");
      const record = await update(pull.owner, pull.repo, pull.number, (r) => ({
        ...r,
        runKey: pull.runKey,
        group: pull.group,
        installationId: pull.installationId,
        polled: true,
        lastActivityAt: r.polled ? r.lastActivityAt : new Date().toISOString(),
      }));
      await redis.persist(pullKey(id));
      await redis.sadd(polledKey, id);
      return record ?? fresh;
    },
    async get(owner, repo, number) {
      const id = name(owner, repo, number);
      const json = await redis.get(pullKey(id));
      return json ? read(id, json) : null;
    },
    async polled() {
      const ids = await redis.smembers(polledKey);
      const byInstallation = new Map<number, TrackedPullRecord[]>();
      if (ids.length === 0) return byInstallation;
      const values = await redis.mget(ids.map(pullKey));
      for (const [i, json] of values.entries()) {
        // Expired with its run: no longer followed.
        if (!json) {
          await redis.srem(polledKey, ids[i] ?? "");
          continue;
        }
        const record = read(ids[i] ?? "", json);
        const list = byInstallation.get(record.installationId) ?? [];
        list.push(record);
        byInstallation.set(record.installationId, list);
      }
      return byInstallation;
    },
    update,
    async park(owner, repo, number) {
      await update(owner, repo, number, (r) => ({ ...r, polled: false }));
      await redis.srem(polledKey, name(owner, repo, number));
      // Kept for a webhook to wake as long as its run is kept, then gone with it.
      await redis.pexpire(pullKey(name(owner, repo, number)), retention);
    },
    async exclusive(owner, repo, number, fn) {
      const key = `${prefix}:review:lock:${name(owner, repo, number)}`;
      const token = randomUUID();
      // The lease outlives any sane reconcile; a crashed holder's lock expires on its own.
      while ((await redis.set(key, token, "PX", LOCK_MS, "NX")) !== "OK") {
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        return await fn();
      } finally {
        await redis.eval(UNLOCK, 1, key, token);
      }
    },
    async reposSeen(installationId) {
      const json = await redis.get(reposKey(installationId));
      if (!json) return {};
      // A cache of ETags: one that does not parse is dropped (every repository listed again).
      const parsed = z.record(z.string(), repoSeenSchema).safeParse(safeJson(json));
      return parsed.success ? parsed.data : {};
    },
    async saveReposSeen(installationId, repos) {
      await redis.set(reposKey(installationId), JSON.stringify(repos));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
