import type { RedisClient } from "./redisConnection.js";

export interface RunStats {
  /** runs by state */
  runs: Record<string, number>;
  /** tasks of every run by status */
  tasks: Record<string, number>;
  /** attempts made, summed over every task of every run */
  attempts: number;
}

// Counted inside Redis so a scrape moves counts over the network, not every run's JSON (a run
// record carries its repo config; a task its description). Keys follow redisRunStore.ts:
// `<prefix>:run:<key>` holds the run, `<prefix>:run:<key>:tasks` a hash of its tasks.
const COUNT_RUNS = `
local runs, tasks, attempts, gone = {}, {}, 0, {}
for i = 1, #KEYS, 2 do
  local json = redis.call('GET', KEYS[i])
  if not json then table.insert(gone, (i + 1) / 2) end
  if json then
    local ok, run = pcall(cjson.decode, json)
    if ok and type(run) == 'table' and type(run.state) == 'string' then
      runs[run.state] = (runs[run.state] or 0) + 1
    end
    for _, value in ipairs(redis.call('HVALS', KEYS[i + 1])) do
      local fine, task = pcall(cjson.decode, value)
      if fine and type(task) == 'table' then
        if type(task.status) == 'string' then tasks[task.status] = (tasks[task.status] or 0) + 1 end
        if type(task.attempts) == 'number' then attempts = attempts + task.attempts end
      end
    end
  end
end
return cjson.encode({ runs = runs, tasks = tasks, attempts = attempts, gone = gone })`;

/** Runs per script call: small enough that no single call holds Redis up for long. */
const BATCH = 100;

/**
 * Counts runs by state and tasks by status from the run index (`<prefix>:runs`). The cost is
 * one pass over the runs Redis holds, in batches of {@link BATCH} (SSCAN, then one script per
 * batch), so a scrape never blocks Redis for the whole index at once.
 */
export async function readRunStats(redis: RedisClient, prefix: string): Promise<RunStats> {
  const stats: RunStats = { runs: {}, tasks: {}, attempts: 0 };
  let cursor = "0";
  do {
    const [next, keys] = await redis.sscan(`${prefix}:runs`, cursor, "COUNT", BATCH);
    cursor = next;
    if (keys.length === 0) continue;
    const redisKeys = keys.flatMap((key) => [`${prefix}:run:${key}`, `${prefix}:run:${key}:tasks`]);
    const json = (await redis.eval(COUNT_RUNS, redisKeys.length, ...redisKeys)) as string;
    const batch = JSON.parse(json) as Partial<RunStats> & { gone?: unknown };
    // Runs whose keys expired (ended, past the retention) leave the index here.
    const gone = Array.isArray(batch.gone)
      ? batch.gone.map((n) => keys[Number(n) - 1]).filter((k): k is string => k !== undefined)
      : [];
    if (gone.length > 0) await redis.srem(`${prefix}:runs`, ...gone);
    add(stats.runs, batch.runs);
    add(stats.tasks, batch.tasks);
    stats.attempts += typeof batch.attempts === "number" ? batch.attempts : 0;
  } while (cursor !== "0");
  return stats;
}

function add(into: Record<string, number>, from: unknown): void {
  // cjson encodes an empty table as {} and never as an array here, but be lenient.
  if (!from || typeof from !== "object" || Array.isArray(from)) return;
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === "number") into[key] = (into[key] ?? 0) + value;
  }
}
