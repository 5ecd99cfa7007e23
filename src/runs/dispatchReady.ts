import type { TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";

export interface ReadyJob {
  runKey: string;
  taskId: string;
  attempt: number;
  installationId: number;
  generation: number;
  priority: number;
}

/**
 * Queues every task whose dependencies are complete, highest priority first. Each is moved
 * pending → ready atomically before it is queued, so two dispatchers racing on the same run
 * (two servers, a redelivered event) queue it once; the job id (run, task, attempt) makes a
 * repeated enqueue a no-op as well.
 */
export async function dispatchReady(
  key: string,
  store: RunStore,
  enqueue: (jobs: ReadyJob[]) => Promise<unknown>,
): Promise<number> {
  const snapshot = await store.get(key);
  if (!snapshot) return 0;
  const { run, tasks } = snapshot;
  if (!isLive(run.state)) return 0;
  const complete = new Set(tasks.filter((t) => t.status === "complete").map((t) => t.id));
  // The repo's `limits.concurrency` caps how many tasks of the run are queued or running at once;
  // each completion dispatches again, so the rest follow as slots free up.
  const inFlight = tasks.filter((t) => t.status === "ready" || t.status === "in_progress").length;
  const room = (run.config.limits.concurrency ?? Number.POSITIVE_INFINITY) - inFlight;
  const candidates = tasks
    .filter((t) => t.status === "pending" && t.depends_on.every((d) => complete.has(d)))
    .sort((a, b) => b.priority - a.priority)
    .slice(0, Math.max(0, room));
  const jobs: ReadyJob[] = [];
  for (const task of candidates) {
    const moved = await store.updateTask(key, task.id, (t: TaskRecord) =>
      t.status === "pending" ? { ...t, status: "ready" } : null,
    );
    if (moved) {
      jobs.push({
        runKey: key,
        taskId: task.id,
        attempt: moved.attempts + 1,
        installationId: run.installationId,
        generation: run.generation ?? 1,
        priority: task.priority,
      });
    }
  }
  // Ready tasks whose job may have been lost (a crash between the two steps) are queued again;
  // their deterministic job ids keep that from doubling work.
  for (const task of tasks.filter((t) => t.status === "ready")) {
    jobs.push({
      runKey: key,
      taskId: task.id,
      attempt: task.attempts + 1,
      installationId: run.installationId,
      generation: run.generation ?? 1,
      priority: task.priority,
    });
  }
  if (jobs.length > 0) await enqueue(jobs);
  return jobs.length;
}
