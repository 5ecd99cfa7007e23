import { ciHolds } from "./ci/ciHolds.js";
import { mergeVerdict } from "./mergeVerdict.js";
import type { RunRecord, RunSnapshot, TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";

/**
 * Moves a running run on when its work is through: `reviewing` while review threads it follows
 * are open or CI on a group PR runs or failed, `done` when every task is complete, every group
 * has its PR, every followed thread is resolved and CI is green (or absent), `failed` when a failed task blocks what remains — unless a task waits
 * for an answer to its question: the run stays, saying so.
 * Returns the run as it now is.
 */
export async function settleRun(key: string, store: RunStore): Promise<RunRecord | null> {
  const snapshot = await store.get(key);
  if (!snapshot) return null;
  const verdict = verdictOf(snapshot);
  if (!verdict) return snapshot.run;
  return (
    (await store.updateRun(key, (run) =>
      isLive(run.state)
        ? run.state === verdict.state && run.reason === verdict.reason
          ? null
          : { ...run, state: verdict.state, reason: verdict.reason }
        : null,
    )) ?? snapshot.run
  );
}

function verdictOf({ run, tasks }: RunSnapshot): {
  state: "done" | "failed" | "reviewing" | "running" | "needs-input";
  reason: string;
} | null {
  if (!isLive(run.state)) return null;
  const blocked = blockedTasks(tasks);
  const live = tasks.filter(
    (t) =>
      (t.status === "pending" || t.status === "ready" || t.status === "in_progress") &&
      !blocked.has(t.id),
  );
  if (live.length > 0) return null;
  // Questions the agents asked hold the run where it is, failed or not: an answer resumes them.
  const asking = tasks.filter((t) => t.status === "needs-input");
  if (asking.length > 0) {
    const names = asking.map((t) => t.id).join(", ");
    return {
      state: run.state === "reviewing" ? "reviewing" : "running",
      reason: `waiting for an answer: ${asking.length === 1 ? "task" : "tasks"} ${names} asked a question on this issue; the next comment of a maintainer answers it`,
    };
  }
  const failed = tasks.filter((t) => t.status === "failed");
  if (failed.length > 0) {
    const names = failed.map((t) => t.id).join(", ");
    return {
      state: "failed",
      reason: `${failed.length === 1 ? "task" : "tasks"} ${names} failed; \`/orchestrate retry <task-id>\` runs one again`,
    };
  }
  // Work cancelled while the run was stopped, that nothing will queue again: said, not waited
  // for (the retry checkbox and a re-run both take it up again).
  const cancelled = tasks.filter((t) => t.status === "cancelled" && !blocked.has(t.id));
  if (cancelled.length > 0) {
    return {
      state: "failed",
      reason: `${cancelled.length === 1 ? "task" : "tasks"} ${cancelled.map((t) => t.id).join(", ")} ${cancelled.length === 1 ? "was" : "were"} cancelled; run the issue again (\`/orchestrate\`) to finish them`,
    };
  }
  if (tasks.every((t) => t.status === "complete") && run.groups.every((g) => g.pull !== null)) {
    // A merged PR's threads are no one's work any more (nor followed): they hold nothing.
    const open = run.groups.reduce(
      (n, g) => n + (g.state === "merged" ? 0 : (g.threads?.open ?? 0)),
      0,
    );
    if (open > 0) {
      return { state: "reviewing", reason: `${open} review thread${open === 1 ? "" : "s"} open` };
    }
    const ci = ciHolds(run, tasks);
    if (ci) return ci;
    const held = mergeVerdict(run);
    if (held) return held;
    return {
      state: "done",
      reason:
        run.config.done_when === "merged"
          ? "every task is complete and every group's pull request is merged"
          : run.groups.some((g) => g.ci?.state === "green")
            ? "every task is complete, every group has its pull request, every review thread it follows is resolved and CI is green"
            : "every task is complete, every group has its pull request and every review thread it follows is resolved",
    };
  }
  return null;
}

/** Tasks that can never run: something they wait on (directly or not) failed or was cancelled. */
export function blockedTasks(tasks: TaskRecord[]): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const blocked = new Set<string>();
  const dead = (t: TaskRecord) => t.status === "failed" || t.status === "cancelled";
  let changed = true;
  while (changed) {
    changed = false;
    for (const task of tasks) {
      if (blocked.has(task.id) || task.status === "complete") continue;
      if (task.depends_on.some((d) => blocked.has(d) || (byId.get(d) && dead(byId.get(d)!)))) {
        blocked.add(task.id);
        changed = true;
      }
    }
  }
  return blocked;
}
