import type { RunRecord, RunSnapshot, RunState, TaskRecord } from "./run.js";

/**
 * Where a run's working state lives (Redis in production: src/queue/redisRunStore.ts).
 * Every write is atomic; `update*` functions retry on concurrent change and may be called again,
 * so they must be pure functions of what they are given.
 */
export interface RunStore {
  get(key: string): Promise<RunSnapshot | null>;
  stateOf(key: string): Promise<RunState | null>;
  /** Writes a whole run (run and tasks) in one transaction, replacing any previous one. */
  put(snapshot: RunSnapshot): Promise<void>;
  /** Creates the run only if there is none, or the existing one is finished. */
  createIfIdle(snapshot: RunSnapshot): Promise<{ created: boolean; existing: RunSnapshot | null }>;
  updateRun(key: string, change: (run: RunRecord) => RunRecord | null): Promise<RunRecord | null>;
  updateTask(
    key: string,
    taskId: string,
    change: (task: TaskRecord, run: RunRecord) => TaskRecord | null,
  ): Promise<TaskRecord | null>;
  addTasks(key: string, tasks: TaskRecord[]): Promise<void>;
  /**
   * Runs `fn` holding the run's lock for `purpose`, across processes — e.g. two status
   * publishes of one run at once would both create its check runs. `leaseMs`: how long a
   * crashed holder keeps others out (2 minutes by default); a holder slower than that loses it.
   */
  exclusive<T>(
    key: string,
    purpose: string,
    fn: () => Promise<T>,
    options?: { leaseMs?: number },
  ): Promise<T>;
}
