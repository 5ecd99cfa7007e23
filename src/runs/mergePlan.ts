import type { GroupRecord, TaskRecord } from "./run.js";

export interface PlannedWork {
  tasks: TaskRecord[];
  groups: Array<{ name: string; branch: string }>;
}

export interface MergedPlan {
  tasks: TaskRecord[];
  groups: GroupRecord[];
  /** task ids no longer in the plan: their records are removed */
  removed: string[];
  /** task ids whose queued or running attempt must stop (changed or removed while open) */
  stop: string[];
  /** tasks no longer in the plan, as they were, should they come back (see RunRecord) */
  retired: Record<string, TaskRecord>;
  replanned: { added: string[]; changed: string[]; removed: string[]; kept: number };
}

/**
 * A new plan laid over the work a run already has (a re-run of an ended run, an edited spec,
 * `/orchestrate replan`): a task whose definition did not change keeps its state and commits;
 * a changed one is done again, with a fresh budget of attempts (one waiting for an answer to
 * its question keeps waiting while its work is the same); a new one is added; one the plan
 * no longer has is removed. `retryEnded`: a re-run also gives failed and cancelled tasks that
 * did not change another go. Review-thread tasks belong to their pull requests and are kept.
 */
export function mergePlan(
  current: { tasks: TaskRecord[]; groups: GroupRecord[]; retired?: Record<string, TaskRecord> },
  planned: PlannedWork,
  options: { retryEnded: boolean },
): MergedPlan {
  const before = new Map(current.tasks.map((t) => [t.id, t]));
  const retired = { ...current.retired };
  const tasks: TaskRecord[] = [];
  const stop: string[] = [];
  const replanned = { added: [] as string[], changed: [] as string[], removed: [] as string[] };
  let kept = 0;
  for (const task of planned.tasks) {
    const old = before.get(task.id);
    if (old?.kind !== "implement") {
      // A task that comes back as it was is what it was (its commit is still on the branch);
      // one that comes back changed goes on counting attempts, so its job ids stay new.
      const back = retired[task.id];
      delete retired[task.id];
      if (back?.status === "complete" && sameWork(back, task)) {
        tasks.push({ ...back, depends_on: task.depends_on, changes: undefined });
        kept += 1;
        continue;
      }
      const spent = back?.attempts ?? 0;
      tasks.push({
        ...task,
        attempts: spent,
        ...(spent > 0 ? { retryBase: spent } : {}),
        changes: "added",
      });
      replanned.added.push(task.id);
      continue;
    }
    if (old.status === "complete" && sameWork(old, task)) {
      // Done, and asked for the same work: only its order changed, and its commit is already
      // on the branch, so it stays done (doing it again would find nothing to change).
      kept += 1;
      tasks.push({ ...old, depends_on: task.depends_on, changes: undefined });
      continue;
    }
    if (old.status === "needs-input" && sameWork(old, task)) {
      // Its question is still open and still about the same work: it waits for the answer.
      kept += 1;
      tasks.push({ ...old, depends_on: task.depends_on, changes: undefined });
      continue;
    }
    if (!sameDefinition(old, task)) {
      if (old.status === "ready" || old.status === "in_progress") stop.push(old.id);
      // The attempt a queued job stood for counts as spent: the next one gets a job id of its
      // own (the queue keeps finished jobs' ids, and would take the same one for a repeat).
      const spent = old.status === "ready" ? old.attempts + 1 : old.attempts;
      tasks.push({
        ...task,
        status: "pending",
        attempts: spent,
        retryBase: spent,
        changes: "changed",
      });
      replanned.changed.push(task.id);
      continue;
    }
    kept += 1;
    if (options.retryEnded && (old.status === "ready" || old.status === "in_progress")) {
      // Left open by the ended run (a worker that never heard its stop): its job is of the
      // last generation and does nothing now, so the task is queued anew.
      const spent = old.status === "ready" ? old.attempts + 1 : old.attempts;
      tasks.push({ ...old, status: "pending", attempts: spent, changes: undefined });
      continue;
    }
    const again = options.retryEnded && (old.status === "failed" || old.status === "cancelled");
    tasks.push(
      again
        ? {
            ...old,
            status: "pending",
            retryBase: old.attempts,
            report: undefined,
            finishedAt: undefined,
            changes: undefined,
          }
        : { ...old, changes: undefined },
    );
  }
  const plannedIds = new Set(planned.tasks.map((t) => t.id));
  const removed: string[] = [];
  for (const old of current.tasks) {
    if (plannedIds.has(old.id)) continue;
    // Follow-up work (review threads, catch-ups with a moved base, CI fixes) is no part of the plan.
    if (old.kind !== "implement") {
      tasks.push(
        options.retryEnded && (old.status === "failed" || old.status === "cancelled")
          ? { ...old, status: "pending", retryBase: old.attempts }
          : old,
      );
      continue;
    }
    removed.push(old.id);
    replanned.removed.push(old.id);
    if (old.status === "ready" || old.status === "in_progress") stop.push(old.id);
    retired[old.id] = {
      ...old,
      attempts: old.status === "ready" ? old.attempts + 1 : old.attempts,
      changes: undefined,
    };
  }
  // A follow-up task waits on its group's implement tasks: only on those still there.
  const ids = new Set(tasks.map((t) => t.id));
  const merged = tasks.map((t) =>
    t.kind !== "implement" ? { ...t, depends_on: t.depends_on.filter((d) => ids.has(d)) } : t,
  );
  return {
    tasks: merged,
    groups: mergeGroups(current.groups, planned.groups, merged),
    removed,
    stop,
    retired,
    replanned: { ...replanned, kept },
  };
}

/** What the agent is asked to do, and when: a change here means open work starts again. */
function sameDefinition(a: TaskRecord, b: TaskRecord): boolean {
  return (
    sameWork(a, b) &&
    a.depends_on.length === b.depends_on.length &&
    a.depends_on.every((d, i) => d === b.depends_on[i])
  );
}

/** What the agent is asked to do: a change here means finished work is done again. */
function sameWork(a: TaskRecord, b: TaskRecord): boolean {
  return (
    a.group === b.group &&
    a.title === b.title &&
    a.description === b.description &&
    a.verify === b.verify &&
    a.backend === b.backend &&
    a.model === b.model &&
    a.effort === b.effort &&
    a.race === b.race
  );
}

/**
 * The plan's groups, each keeping what the run knew of it (its PR, check run, fork, notes) when
 * its branch is the same; a group the plan dropped stays while it has a PR that tasks still
 * refer to (its review threads are still followed).
 */
function mergeGroups(
  current: GroupRecord[],
  planned: Array<{ name: string; branch: string }>,
  tasks: TaskRecord[],
): GroupRecord[] {
  const byName = new Map(current.map((g) => [g.name, g]));
  const groups: GroupRecord[] = planned.map((g) => {
    const old = byName.get(g.name);
    return old && old.branch === g.branch ? old : { ...g, pull: null };
  });
  const names = new Set(groups.map((g) => g.name));
  for (const old of current) {
    if (names.has(old.name) || old.pull === null) continue;
    if (tasks.some((t) => t.group === old.name)) groups.push(old);
  }
  return groups;
}
