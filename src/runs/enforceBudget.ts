import type { TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";
import { runUsage } from "./runUsage.js";
import { blockedTasks } from "./settleRun.js";
import { formatCents } from "./status/formatCents.js";
import { formatCount } from "./status/formatCount.js";

/**
 * Stops a run that has spent its budget: `limits.agent_minutes` of agent time,
 * `limits.run_attempts` agent attempts over all its tasks, or `limits.tokens` / `limits.usd`
 * as its agents reported them (a cost nobody knows is not counted), while work is still waiting for an
 * attempt (a budget spent by the last attempt it allowed stops nothing: the work is done).
 * Returns true when it stopped the run (the caller cancels its jobs). The reason says what was
 * spent and how to go on.
 */
export async function enforceBudget(key: string, store: RunStore): Promise<boolean> {
  const snapshot = await store.get(key);
  if (!snapshot) return false;
  const { run, tasks } = snapshot;
  if (!isLive(run.state)) return false;
  // Only work that would need another attempt can be stopped by the budget (work blocked by a
  // failed task never gets one: the run fails for that instead).
  const blocked = blockedTasks(tasks);
  const waiting = tasks.filter(
    (t) => (t.status === "pending" || t.status === "ready") && !blocked.has(t.id),
  );
  if (waiting.length === 0) return false;
  const minutes = tasks.reduce((sum, t) => sum + (t.durationMs ?? 0), 0) / 60_000;
  // Attempts still running are not spent yet: the attempt the budget allowed may finish.
  const running = tasks.filter((t) => t.status === "in_progress").length;
  const attempts = tasks.reduce((sum, t) => sum + t.attempts, 0) - running;
  const {
    agent_minutes: maxMinutes,
    run_attempts: maxAttempts,
    tokens: maxTokens,
    usd: maxUsd,
  } = run.config.limits;
  const { tokens, usd } = runUsage(tasks);
  let reason: string | null = null;
  if (minutes >= maxMinutes) {
    reason = `its budget of ${maxMinutes} agent minutes is spent (${Math.round(minutes)} used): raise \`limits.agent_minutes\` in .github/orchestrate.yml, then \`/orchestrate\` to go on`;
  } else if (attempts >= maxAttempts) {
    reason = `its budget of ${maxAttempts} agent attempts is spent: raise \`limits.run_attempts\` in .github/orchestrate.yml, then \`/orchestrate\` to go on`;
  } else if (maxTokens !== undefined && tokens >= maxTokens) {
    reason = `its budget of ${formatCount(maxTokens)} tokens is spent (${formatCount(tokens)} used): raise \`limits.tokens\` in .github/orchestrate.yml, then \`/orchestrate\` to go on`;
  } else if (maxUsd !== undefined && usd >= maxUsd) {
    reason = `its budget of ${formatCents(maxUsd)} is spent (${formatCents(usd)} used): raise \`limits.usd\` in .github/orchestrate.yml, then \`/orchestrate\` to go on`;
  }
  if (!reason) return false;
  const stopped = await store.updateRun(key, (r) =>
    isLive(r.state) ? { ...r, state: "stopped", reason: `stopped: ${reason}` } : null,
  );
  if (!stopped) return false;
  // A task waiting for an answer would only start another attempt once answered.
  const unrun = (t: TaskRecord) =>
    t.status === "pending" || t.status === "ready" || t.status === "needs-input";
  for (const task of tasks.filter(unrun)) {
    await store.updateTask(key, task.id, (t) =>
      unrun(t) ? { ...t, status: "cancelled", report: "budget spent" } : null,
    );
  }
  return true;
}
