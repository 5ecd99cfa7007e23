import { priorities } from "./priorities.js";
import { type DagTask, DependencyCycleError, taskGraph } from "./taskGraph.js";

/**
 * Tasks in an order that puts every dependency before its dependants and, among tasks that could
 * go next, the highest priority first (critical path), then the smaller id. The tie-breaks make it
 * stable: the same tasks give the same order whatever order they were listed in.
 * Throws DependencyCycleError on a cycle.
 */
export function topologicalOrder<T extends DagTask>(tasks: readonly T[]): T[] {
  const priority = priorities(tasks);
  const graph = taskGraph(tasks);
  const rank = (i: number): number => priority.get(tasks[i]!.id) ?? 0;
  const before = (a: number, b: number): boolean => {
    const pa = rank(a);
    const pb = rank(b);
    if (pa !== pb) return pa > pb;
    return tasks[a]!.id < tasks[b]!.id;
  };

  const heap = new MinHeap(before);
  const remaining = Int32Array.from(graph.dependencyCount);
  for (let i = 0; i < tasks.length; i++) if (remaining[i] === 0) heap.push(i);
  const order: T[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(tasks[i]!);
    for (const next of graph.dependants[i]!) if (--remaining[next]! === 0) heap.push(next);
  }
  if (order.length < tasks.length) {
    throw new DependencyCycleError(tasks.filter((_, i) => remaining[i]! > 0).map((t) => t.id));
  }
  return order;
}

/** A binary heap of positions, ordered by `before`. */
class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: number): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(items[at]!, items[parent]!)) break;
      [items[at], items[parent]] = [items[parent]!, items[at]!];
      at = parent;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let best = at;
        if (left < items.length && this.before(items[left]!, items[best]!)) best = left;
        if (right < items.length && this.before(items[right]!, items[best]!)) best = right;
        if (best === at) break;
        [items[at], items[best]] = [items[best]!, items[at]!];
        at = best;
      }
    }
    return top;
  }
}
