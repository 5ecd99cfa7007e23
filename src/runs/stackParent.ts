import type { RunSnapshot } from "./run.js";

type Stacked = Pick<RunSnapshot, "run" | "tasks">;

export interface StackPlace {
  /** the group this one is stacked on, with `stack: true`; null when it is based on the default branch */
  parent: string | null;
  /** every other group whose tasks this group's tasks wait for */
  dependsOn: string[];
  /** groups that wait for each other's tasks cannot stack on each other: none of them is */
  circular?: boolean | undefined;
}

/**
 * Where each group sits in the run's stack, in one pass over the tasks. With `stack: true`, a
 * group whose tasks depend on exactly one other group's tasks is stacked on that group; one
 * that depends on two or more cannot be (a branch has one base), so it is based on the default
 * branch and waits for them, as without `stack`.
 */
export function stackPlaces({ run, tasks }: Stacked): Map<string, StackPlace> {
  const groupOf = new Map(tasks.map((t) => [t.id, t.group]));
  const deps = new Map<string, Set<string>>(run.groups.map((g) => [g.name, new Set()]));
  for (const task of tasks) {
    const into = deps.get(task.group);
    if (!into) continue;
    for (const d of task.depends_on) {
      const other = groupOf.get(d);
      if (other !== undefined && other !== task.group && deps.has(other)) into.add(other);
    }
  }
  const places = new Map<string, StackPlace>();
  for (const [name, set] of deps) {
    const dependsOn = [...set].sort();
    const parent = run.config.stack && dependsOn.length === 1 ? (dependsOn[0] ?? null) : null;
    places.set(name, { parent, dependsOn });
  }
  // A stack parent chain that comes back to where it started (a's tasks wait for b's, b's for
  // a's: no task cycle, but no base either) is based on the default branch, as without `stack`.
  for (const [name, place] of places) {
    const seen = new Set<string>([name]);
    let at = place.parent;
    while (at !== null && !seen.has(at)) {
      seen.add(at);
      at = places.get(at)?.parent ?? null;
    }
    if (at === name) place.circular = true;
  }
  for (const place of places.values()) if (place.circular) place.parent = null;
  return places;
}

/** One group's place (see stackPlaces). */
export function stackParent(snapshot: Stacked, group: string): StackPlace {
  return stackPlaces(snapshot).get(group) ?? { parent: null, dependsOn: [] };
}

/**
 * The branch a group's work starts from and its pull request is opened against: its stack
 * parent's branch while that parent's PR is neither merged nor closed, else the default branch.
 */
export function groupBase(snapshot: Stacked, group: string, defaultBranch: string): string {
  const { parent } = stackParent(snapshot, group);
  const record = snapshot.run.groups.find((g) => g.name === parent);
  return record && record.state === undefined ? record.branch : defaultBranch;
}

/**
 * The groups of `group`'s stack in order, root first: its ancestors, itself, then what is
 * stacked on it (depth first).
 */
export function stackChain(
  snapshot: Stacked,
  group: string,
  places: Map<string, StackPlace> = stackPlaces(snapshot),
): string[] {
  const chain: string[] = [];
  for (let at: string | null = group; at !== null && !chain.includes(at); ) {
    chain.unshift(at);
    at = places.get(at)?.parent ?? null;
  }
  const walk = (name: string) => {
    for (const [child, place] of places) {
      if (place.parent !== name || chain.includes(child)) continue;
      chain.push(child);
      walk(child);
    }
  };
  walk(group);
  return chain;
}
