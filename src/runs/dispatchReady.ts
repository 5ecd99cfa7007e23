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
 * Queues every task whose dependencies are complete, highest priority first. They are moved
 * pending → ready atomically, in one step, before they are queued, so two dispatchers racing on
 * the same run (two servers, a redelivered event) queue each once; the job id (run, task,
 * attempt) makes a repeated enqueue a no-op as well.
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
  const candidates = new Set(
    tasks
      .filter((t) => t.status === "pending" && t.depends_on.every((d) => complete.has(d)))
      .sort((a, b) => b.priority - a.priority)
      .slice(0, Math.max(0, room))
      .map((t) => t.id),
  );
  const jobs: ReadyJob[] = [];
  const jobOf = (task: TaskRecord): ReadyJob => ({
    runKey: key,
    taskId: task.id,
    attempt: task.attempts + 1,
    installationId: run.installationId,
    generation: run.generation ?? 1,
    priority: task.priority,
  });
  // All of them in one compare-and-set: a thousand ready tasks are one write, not a thousand.
  if (candidates.size > 0) {
    let moved: TaskRecord[] = [];
    await store.updateSnapshot(key, (now) => {
      moved = [];
      if (!isLive(now.run.state)) return null;
      moved = now.tasks
        .filter((t) => candidates.has(t.id) && t.status === "pending")
        .map((t) => ({ ...t, status: "ready" as const }));
      return moved.length > 0 ? { run: now.run, tasks: moved, remove: [] } : null;
    });
    jobs.push(...moved.map(jobOf));
  }
  // Ready tasks whose job may have been lost (a crash between the two steps) are queued again;
  // their deterministic job ids keep that from doubling work.
  for (const task of tasks.filter((t) => t.status === "ready")) jobs.push(jobOf(task));
  if (jobs.length > 0) await enqueue(jobs);
  return jobs.length;
}
