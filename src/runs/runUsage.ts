import type { TaskRecord } from "./run.js";

/** What a run's tasks spent: tokens in and out, the dollars known, and tasks of unknown cost. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  /** in and out */
  tokens: number;
  /** US dollars over the attempts whose cost is known */
  usd: number;
  /** tasks with an attempt of unknown cost (no CLI cost, no operator price): `limits.usd` skips them */
  unpricedTasks: number;
  /** whether any task reported usage at all */
  reported: boolean;
}

export function runUsage(tasks: readonly TaskRecord[]): RunUsage {
  let inputTokens = 0;
  let outputTokens = 0;
  let usd = 0;
  let unpricedTasks = 0;
  let reported = false;
  for (const t of tasks) {
    if (!t.usage) continue;
    reported = true;
    inputTokens += t.usage.inputTokens;
    outputTokens += t.usage.outputTokens;
    usd += t.usage.costUsd ?? 0;
    if ((t.usage.unpriced ?? 0) > 0) unpricedTasks++;
  }
  return {
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    usd,
    unpricedTasks,
    reported,
  };
}
