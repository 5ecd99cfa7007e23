import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ACTIVE_STATES, type RunRecord, type RunSnapshot, type TaskRecord } from "../runs/run.js";
import type { RunStore } from "../runs/runStore.js";
import { showsChange } from "../runs/showsChange.js";

// Compare-and-set in Lua rather than WATCH: WATCH belongs to a connection, and this connection
// is shared by every concurrent job of the process.
const REPLACE_RUN = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SADD', KEYS[3], ARGV[3])
return 1`;

const CAS_STRING = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

const CAS_FIELD = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (cur or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

const MAX_RETRIES = 50;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Extends the lease only while the lock is still this holder's. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end return 0`;
const EXCLUSIVE_LEASE_MS = 10_000;

export function redisRunStore(redis: Redis, prefix: string): RunStore {
  const runKey = (key: string) => `${prefix}:run:${key}`;
  const tasksKey = (key: string) => `${prefix}:run:${key}:tasks`;
  const indexKey = `${prefix}:runs`;

  async function replace(expected: string, snapshot: RunSnapshot): Promise<boolean> {
    const key = snapshot.run.key;
    const pairs = snapshot.tasks.flatMap((t) => [t.id, JSON.stringify(t)]);
    const ok = await redis.eval(
      REPLACE_RUN,
      3,
      runKey(key),
      tasksKey(key),
      indexKey,
      expected,
      JSON.stringify(snapshot.run),
      key,
      ...pairs,
    );
    return ok === 1;
  }

  async function get(key: string): Promise<RunSnapshot | null> {
    const [runJson, taskMap] = await Promise.all([
      redis.get(runKey(key)),
      redis.hgetall(tasksKey(key)),
    ]);
    if (!runJson) return null;
    const tasks = Object.values(taskMap).map((t) => JSON.parse(t) as TaskRecord);
    return { run: JSON.parse(runJson) as RunRecord, tasks };
  }

  return {
    get,
    async stateOf(key) {
      const json = await redis.get(runKey(key));
      return json ? (JSON.parse(json) as RunRecord).state : null;
    },
    async put(snapshot) {
      for (let i = 0; i < MAX_RETRIES; i++) {
        const current = (await redis.get(runKey(snapshot.run.key))) ?? "";
        if (await replace(current, snapshot)) return;
      }
      throw new Error(`run ${snapshot.run.key} kept changing while it was being replaced`);
    },
    async createIfIdle(snapshot) {
      for (let i = 0; i < MAX_RETRIES; i++) {
        const current = (await redis.get(runKey(snapshot.run.key))) ?? "";
        if (current) {
          const run = JSON.parse(current) as RunRecord;
          if (ACTIVE_STATES.has(run.state)) {
            return { created: false, existing: await get(snapshot.run.key) };
          }
        }
        if (await replace(current, snapshot)) return { created: true, existing: null };
      }
      throw new Error(`run ${snapshot.run.key} kept changing while it was being created`);
    },
    async updateRun(key, change) {
      for (let i = 0; i < MAX_RETRIES; i++) {
        const current = await redis.get(runKey(key));
        if (!current) return null;
        const before = JSON.parse(current) as RunRecord;
        const next = change(before);
        if (!next) return null;
        next.updatedAt = showsChange(before, next) ? new Date().toISOString() : before.updatedAt;
        const ok = await redis.eval(CAS_STRING, 1, runKey(key), current, JSON.stringify(next));
        if (ok === 1) return next;
      }
      throw new Error(`run ${key} kept changing while it was being updated`);
    },
    async updateTask(key, taskId, change) {
      for (let i = 0; i < MAX_RETRIES; i++) {
        const [runJson, current] = await Promise.all([
          redis.get(runKey(key)),
          redis.hget(tasksKey(key), taskId),
        ]);
        if (!runJson || !current) return null;
        const next = change(JSON.parse(current) as TaskRecord, JSON.parse(runJson) as RunRecord);
        if (!next) return null;
        const ok = await redis.eval(
          CAS_FIELD,
          1,
          tasksKey(key),
          taskId,
          current,
          JSON.stringify(next),
        );
        if (ok === 1) return next;
      }
      throw new Error(`task ${taskId} of ${key} kept changing while it was being updated`);
    },
    async exclusive(key, purpose, fn, options) {
      const lock = `${prefix}:lock:${purpose}:${key}`;
      const token = randomUUID();
      // A short lease, renewed while the holder works: a holder that crashed (SIGKILL mid-PR)
      // frees the lock within its lease instead of stalling the run for minutes.
      const leaseMs = options?.leaseMs ?? EXCLUSIVE_LEASE_MS;
      while ((await redis.set(lock, token, "PX", leaseMs, "NX")) !== "OK") {
        await new Promise((r) => setTimeout(r, 50));
      }
      const renew = setInterval(() => {
        redis.eval(RENEW, 1, lock, token, leaseMs).catch(() => undefined);
      }, leaseMs / 3);
      try {
        return await fn();
      } finally {
        clearInterval(renew);
        await redis.eval(UNLOCK, 1, lock, token);
      }
    },
    async addTasks(key, tasks) {
      if (tasks.length === 0) return;
      await redis.hset(
        tasksKey(key),
        Object.fromEntries(tasks.map((t) => [t.id, JSON.stringify(t)])),
      );
    },
  };
}
