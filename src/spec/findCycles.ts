/** The most cycles reported one by one; beyond that the remaining tasks are listed together. */
const MAX_REPORTED_CYCLES = 20;

export interface DependencyCycles {
  /** Each cycle as task ids in dependency order, `[a, b, c]` meaning a → b → c → a. */
  cycles: string[][];
  /** Tasks on a cycle that none of the reported cycles names (only when the cap was hit). */
  unreported: string[];
}

/**
 * Finds dependency cycles in a way a person can fix: every task that sits on a cycle is named in
 * at least one reported cycle, no cycle is reported twice, and each cycle is listed in full and
 * in order, starting from its earliest-declared task.
 *
 * Strongly connected components (Tarjan's algorithm, iterative so a 5,000-task chain cannot
 * overflow the stack) say which tasks are on cycles. Within a component, the shortest cycle
 * through each not-yet-named task is found by breadth-first search; because that task was not
 * named before, the cycle is new, so there are no duplicates and the work stays linear per cycle.
 * Self-dependencies are left to their own, clearer error.
 */
export function findCycles(
  tasks: readonly { id: string; depends_on: readonly string[] }[],
): DependencyCycles {
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (!index.has(task.id)) index.set(task.id, i);
  });
  const edges: number[][] = tasks.map((task, i) => {
    const out: number[] = [];
    for (const dep of task.depends_on) {
      const j = index.get(dep);
      if (j !== undefined && j !== i) out.push(j);
    }
    return out;
  });

  const cycles: string[][] = [];
  const unreported: string[] = [];
  for (const component of stronglyConnectedComponents(edges)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const named = new Set<number>();
    for (const start of [...component].sort((a, b) => a - b)) {
      if (named.has(start)) continue;
      if (cycles.length >= MAX_REPORTED_CYCLES) {
        unreported.push(tasks[start]?.id ?? "");
        continue;
      }
      const cycle = shortestCycleThrough(start, edges, members);
      for (const node of cycle) named.add(node);
      cycles.push(rotateToEarliest(cycle).map((i) => tasks[i]?.id ?? ""));
    }
  }
  return { cycles, unreported };
}

function shortestCycleThrough(
  start: number,
  edges: readonly number[][],
  members: Set<number>,
): number[] {
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? start;
    for (const next of edges[node] ?? []) {
      if (next === start) {
        const path: number[] = [];
        for (let at = node; at !== -1; at = parent.get(at) ?? -1) path.push(at);
        return path.reverse();
      }
      if (!members.has(next) || parent.has(next)) continue;
      parent.set(next, node);
      queue.push(next);
    }
  }
  return [start]; // unreachable: every member of a component of size > 1 is on a cycle
}

function rotateToEarliest(cycle: number[]): number[] {
  let at = 0;
  for (let i = 1; i < cycle.length; i++) if ((cycle[i] ?? 0) < (cycle[at] ?? 0)) at = i;
  return [...cycle.slice(at), ...cycle.slice(0, at)];
}

/** Tarjan's algorithm with an explicit stack of (node, next edge) frames instead of recursion. */
function stronglyConnectedComponents(edges: readonly number[][]): number[][] {
  const n = edges.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const frames: [node: number, edge: number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, edge] = frame;
      const out = edges[node] ?? [];
      if (edge < out.length) {
        frame[1] = edge + 1;
        const next = out[edge]!;
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = 1;
          frames.push([next, 0]);
        } else if (onStack[next]) {
          low[node] = Math.min(low[node]!, order[next]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node] === order[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}
