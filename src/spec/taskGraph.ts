import type { TaskStatus } from "./task.js";

/** What the DAG functions need of a task; plan tasks and run tasks both fit. */
export interface DagTask {
  id: string;
  depends_on: readonly string[];
  /** Explicit priority, or the computed one on a planned task. */
  priority?: number;
}

/** Statuses by task id, as a Map or a plain object (e.g. read back from JSON). */
export type StatusLookup =
  | ReadonlyMap<string, TaskStatus>
  | Readonly<Record<string, TaskStatus | undefined>>;

export function statusOf(lookup: StatusLookup | undefined, id: string): TaskStatus {
  if (lookup === undefined) return "pending";
  const status =
    lookup instanceof Map ? lookup.get(id) : (lookup as Record<string, TaskStatus>)[id];
  return status ?? "pending";
}

/** Thrown by the ordering functions when given tasks that were not validated. */
export class DependencyCycleError extends Error {
  readonly code = "dependency_cycle";
  constructor(readonly ids: readonly string[]) {
    super(`tasks on a dependency cycle cannot be ordered: ${ids.slice(0, 20).join(", ")}`);
    this.name = "DependencyCycleError";
  }
}

export interface TaskGraph {
  index: Map<string, number>;
  /** dependants[i]: the tasks that wait on task i */
  dependants: number[][];
  /** How many known dependencies each task has (unknown ids are ignored). */
  dependencyCount: Int32Array;
}

/** Adjacency in both directions, by position. Duplicate ids are a programming error here. */
export function taskGraph(tasks: readonly DagTask[]): TaskGraph {
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (index.has(task.id)) throw new Error(`duplicate task id "${task.id}"`);
    index.set(task.id, i);
  });
  const dependants: number[][] = tasks.map(() => []);
  const dependencyCount = new Int32Array(tasks.length);
  tasks.forEach((task, i) => {
    for (const dep of new Set(task.depends_on)) {
      const j = index.get(dep);
      if (j === undefined || j === i) continue;
      dependants[j]?.push(i);
      dependencyCount[i]!++;
    }
  });
  return { index, dependants, dependencyCount };
}

/**
 * Kahn's algorithm: positions with every dependency before its dependants. Iterative, so chain
 * length does not matter. Throws DependencyCycleError when some tasks can never be reached.
 */
export function dependencyOrder(tasks: readonly DagTask[], graph: TaskGraph): number[] {
  const remaining = Int32Array.from(graph.dependencyCount);
  const order: number[] = [];
  for (let i = 0; i < tasks.length; i++) if (remaining[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const next of graph.dependants[order[head]!]!) {
      if (--remaining[next]! === 0) order.push(next);
    }
  }
  if (order.length < tasks.length) {
    const stuck = tasks.filter((_, i) => remaining[i]! > 0).map((task) => task.id);
    throw new DependencyCycleError(stuck);
  }
  return order;
}
