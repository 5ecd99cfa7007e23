import type { RunRecord, RunSnapshot, RunState, TaskRecord } from "./run.js";

export interface SnapshotChange {
  run: RunRecord;
  /** tasks written (added or replaced) */
  tasks: TaskRecord[];
  /** ids of tasks removed */
  remove: string[];
}

/**
 * Where a run's working state lives (Redis in production: src/queue/redisRunStore.ts).
 * Every write is atomic; `update*` functions retry on concurrent change and may be called again,
 * so they must be pure functions of what they are given.
 */
export interface RunStore {
  get(key: string): Promise<RunSnapshot | null>;
  stateOf(key: string): Promise<RunState | null>;
  /** Keys of every run the store holds (a run whose keys expired may still be listed). */
  keys(): Promise<string[]>;
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
   * Changes the run and any of its tasks in one step: `change` sees the whole run and returns
   * the run as it is to be, the tasks it writes and the ids of tasks it removes. Written only
   * if neither the run nor any task it writes or removes changed meanwhile (else `change` is
   * called again on what is there now); null from `change` writes nothing.
   */
  updateSnapshot(
    key: string,
    change: (snapshot: RunSnapshot) => SnapshotChange | null,
  ): Promise<RunSnapshot | null>;
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
