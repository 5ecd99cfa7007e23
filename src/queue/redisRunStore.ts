import { randomUUID } from "node:crypto";
import type { RunRecord, RunSnapshot, TaskRecord } from "../runs/run.js";
import { isActive, isEnded, runMay, taskMay } from "../runs/runMachine.js";
import { parseStored, runRecordSchema, taskRecordSchema } from "../runs/runSchema.js";
import type { RunStore } from "../runs/runStore.js";
import { showsChange } from "../runs/showsChange.js";
import type { RedisClient } from "./redisConnection.js";

// Compare-and-set in Lua rather than WATCH: WATCH belongs to a connection, and this connection
// is shared by every concurrent job of the process.
// An ended run's keys (run, tasks, job ids: KEYS[1], KEYS[2], KEYS[#KEYS]) expire after the
// operator's retention; a run that becomes active again keeps them for good. ARGV[1] of RETAIN
// is the retention in ms, 0 for "keep".
const RETAIN = `
local function retain(ttl, ...)
  for _, key in ipairs({...}) do
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
  end
end`;

const REPLACE_RUN = `${RETAIN}
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SADD', KEYS[3], ARGV[3])
retain(tonumber(ARGV[4]), KEYS[1], KEYS[2], KEYS[4])
return 1`;

const CAS_STRING = `${RETAIN}
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
retain(tonumber(ARGV[3]), KEYS[1], KEYS[2], KEYS[3])
return 1`;

const CAS_FIELD = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (cur or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

// KEYS: run, tasks, jobs. ARGV: expected run, new run, ttl, count of checked tasks n, then n
// (id, expected JSON or "") pairs, then (id, new JSON or "" to remove) pairs.
const CAS_SNAPSHOT = `${RETAIN}
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[4])
for i = 5, 4 + 2 * n, 2 do
  if (redis.call('HGET', KEYS[2], ARGV[i]) or '') ~= ARGV[i + 1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
for i = 5 + 2 * n, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[2], ARGV[i])
  else redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
retain(tonumber(ARGV[3]), KEYS[1], KEYS[2], KEYS[3])
return 1`;

const MAX_RETRIES = 50;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Extends the lease only while the lock is still this holder's. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end return 0`;
const EXCLUSIVE_LEASE_MS = 10_000;

export interface RunStoreOptions {
  /** how long an ended run's keys are kept; default 14 days */
  retentionMs?: number;
  /** told of every change the state machine refused (the change was not applied) */
  onRefused?(refusal: { key: string; what: string; from: string; to: string }): void;
}

export const DEFAULT_RETENTION_MS = 14 * 24 * 3600 * 1000;

export function redisRunStore(
  redis: RedisClient,
  prefix: string,
  options: RunStoreOptions = {},
): RunStore {
  const runKey = (key: string) => `${prefix}:run:${key}`;
  const tasksKey = (key: string) => `${prefix}:run:${key}:tasks`;
  // The task queue's set of the run's job ids (taskQueue.ts), expired along with the run.
  const jobsKey = (key: string) => `${prefix}:run:${key}:jobs`;
  const indexKey = `${prefix}:runs`;
  const retention = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const ttlOf = (run: RunRecord) => String(isEnded(run.state) ? retention : 0);
  const readRun = (key: string, json: string) =>
    parseStored(runRecordSchema, runKey(key), json) as RunRecord;
  const readTask = (key: string, id: string, json: string) =>
    parseStored(taskRecordSchema, `${tasksKey(key)} ${id}`, json) as TaskRecord;

  async function replace(expected: string, snapshot: RunSnapshot): Promise<boolean> {
    const key = snapshot.run.key;
    const pairs = snapshot.tasks.flatMap((t) => [t.id, JSON.stringify(t)]);
    const ok = await redis.eval(
      REPLACE_RUN,
      4,
      runKey(key),
      tasksKey(key),
      indexKey,
      jobsKey(key),
      expected,
      JSON.stringify(snapshot.run),
      key,
      ttlOf(snapshot.run),
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
    const tasks = Object.entries(taskMap).map(([id, t]) => readTask(key, id, t));
    return { run: readRun(key, runJson), tasks };
  }

  /** A change of state that is no move of the machine is refused, and said, not written. */
  function refused(key: string, what: string, from: string, to: string): boolean {
    options.onRefused?.({ key, what, from, to });
    return true;
  }

  return {
    get,
    async stateOf(key) {
      const json = await redis.get(runKey(key));
      return json ? readRun(key, json).state : null;
    },
    async keys() {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await redis.sscan(indexKey, cursor, "COUNT", 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      return keys;
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
          const run = readRun(snapshot.run.key, current);
          if (isActive(run.state)) {
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
        const before = readRun(key, current);
        const next = change(before);
        if (!next) return null;
        if (!runMay(before.state, next.state) && refused(key, "run", before.state, next.state)) {
          return null;
        }
        next.updatedAt = showsChange(before, next) ? new Date().toISOString() : before.updatedAt;
        const ok = await redis.eval(
          CAS_STRING,
          3,
          runKey(key),
          tasksKey(key),
          jobsKey(key),
          current,
          JSON.stringify(next),
          ttlOf(next),
        );
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
        const before = readTask(key, taskId, current);
        const next = change(before, readRun(key, runJson));
        if (!next) return null;
        if (
          !taskMay(before.status, next.status) &&
          refused(key, `task ${taskId}`, before.status, next.status)
        ) {
          return null;
        }
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
    async updateSnapshot(key, change) {
      for (let i = 0; i < MAX_RETRIES; i++) {
        const [runJson, taskMap] = await Promise.all([
          redis.get(runKey(key)),
          redis.hgetall(tasksKey(key)),
        ]);
        if (!runJson) return null;
        const before: RunSnapshot = {
          run: readRun(key, runJson),
          tasks: Object.entries(taskMap).map(([id, t]) => readTask(key, id, t)),
        };
        const next = change(before);
        if (!next) return null;
        if (
          !runMay(before.run.state, next.run.state) &&
          refused(key, "run", before.run.state, next.run.state)
        ) {
          return null;
        }
        const byId = new Map(before.tasks.map((t) => [t.id, t]));
        const illegal = next.tasks.find((t) => {
          const was = byId.get(t.id);
          return was !== undefined && !taskMay(was.status, t.status);
        });
        if (illegal) {
          refused(key, `task ${illegal.id}`, byId.get(illegal.id)?.status ?? "", illegal.status);
          return null;
        }
        const touched = [...next.tasks.map((t) => t.id), ...next.remove];
        const checked = [...new Set(touched)].flatMap((id) => [id, taskMap[id] ?? ""]);
        const writes = [
          ...next.tasks.flatMap((t) => [t.id, JSON.stringify(t)]),
          ...next.remove.flatMap((id) => [id, ""]),
        ];
        next.run.updatedAt = new Date().toISOString();
        const ok = await redis.eval(
          CAS_SNAPSHOT,
          3,
          runKey(key),
          tasksKey(key),
          jobsKey(key),
          runJson,
          JSON.stringify(next.run),
          ttlOf(next.run),
          String(checked.length / 2),
          ...checked,
          ...writes,
        );
        if (ok === 1) {
          const removed = new Set([...next.remove, ...next.tasks.map((t) => t.id)]);
          return {
            run: next.run,
            tasks: [...before.tasks.filter((t) => !removed.has(t.id)), ...next.tasks],
          };
        }
      }
      throw new Error(`run ${key} kept changing while it was being updated`);
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
