import type { GitHubPort } from "../github/githubPort.js";
import type { GroupCatchUp, GroupRecord, TaskRecord } from "./run.js";
import { isLive, isOpenTask, runMay } from "./runMachine.js";
import type { RunStore } from "./runStore.js";
import { updateStrategy } from "./updateStrategy.js";

export interface CatchUpDeps {
  store: RunStore;
  github: GitHubPort;
  dispatchReady(runKey: string): Promise<void>;
}

/**
 * What became of a group's PR against its base:
 * - `none`: no open PR, or a run that has ended for good (failed, stopped);
 * - `up-to-date`: the head already holds the base;
 * - `pending`: GitHub is still computing whether it merges cleanly (ask again shortly);
 * - `behind`: left as it is (`update: never`), the status comment says so;
 * - `queued`: a `catch-up` (clean merge) or `conflict` task brings it up to date.
 */
export type CatchUp = "none" | "up-to-date" | "pending" | "behind" | "queued";

/**
 * Brings a group's branch up to date with its PR's base, whatever base that is (the default
 * branch, or a parent group's branch in a stack; call it again after retargeting a PR). Reads
 * GitHub's view (compare's `behind_by`, the PR's `mergeable`) and queues the work on a worker,
 * which merges (or rebases), verifies with the group's verify command and pushes without force:
 * nothing unverified reaches the branch. A `conflict` task has an agent resolve the conflicts.
 * Idempotent: an open catch-up of the group merges the base as it is when it runs.
 */
export async function catchUpGroup(
  runKey: string,
  groupName: string,
  deps: CatchUpDeps,
  /** said with the group's line while it lasts (why the base moved, e.g. a force-push) */
  o: { note?: string } = {},
): Promise<CatchUp> {
  const snapshot = await deps.store.get(runKey);
  const group = snapshot?.run.groups.find((g) => g.name === groupName);
  if (!snapshot || !group || group.pull === null) return "none";
  const { run } = snapshot;
  if (!isLive(run.state) && run.state !== "done") return "none";
  const standing = await deps.github.baseStanding({ owner: run.owner, repo: run.repo }, group.pull);
  if (!standing.open) return "none";
  if (standing.behindBy === 0) {
    await setBase(deps.store, runKey, groupName, (base) =>
      base?.state === "behind" ? undefined : base,
    );
    return "up-to-date";
  }
  const open = snapshot.tasks.find(
    (t) => t.group === groupName && isCatchUp(t) && isOpenTask(t.status),
  );
  if (open) return "queued";
  if (standing.mergeable === null) return "pending";
  const strategy = updateStrategy(run.config.update, group);
  const note = [o.note, strategy.how === "never" ? undefined : strategy.note]
    .filter((n) => n !== undefined)
    .join("; ");
  const base: GroupCatchUp = {
    branch: standing.base,
    sha: standing.baseSha,
    behindBy: standing.behindBy,
    state: "behind",
    ...(note ? { note } : {}),
  };
  if (strategy.how === "never") {
    await setBase(deps.store, runKey, groupName, () => base);
    return "behind";
  }
  const kind = standing.mergeable ? "catch-up" : "conflict";
  const n = snapshot.tasks.filter((t) => t.group === groupName && isCatchUp(t)).length + 1;
  const task: TaskRecord = {
    id: `${kind}-${groupName}-${n}`,
    group: groupName,
    // After the group's work in flight: each lands on the branch before the base is merged.
    depends_on: snapshot.tasks
      .filter((t) => t.group === groupName && isOpenTask(t.status))
      .map((t) => t.id),
    title:
      kind === "catch-up"
        ? `Bring ${group.branch} up to date with ${standing.base}`
        : `Resolve the conflicts of ${group.branch} with ${standing.base}`,
    description:
      kind === "catch-up"
        ? `${standing.base} moved ${standing.behindBy} commit${standing.behindBy === 1 ? "" : "s"} ahead of the branch; the worker merges it, verifies and pushes.`
        : `${standing.base} moved and now conflicts with the branch: merge it, resolve every conflict keeping both sides' intent, and leave no conflict markers.`,
    priority: 1,
    status: "pending",
    kind,
    attempts: 0,
    update: strategy.how,
  };
  await deps.store.addTasks(runKey, [task]);
  await deps.store.updateRun(runKey, (r) => {
    const state = r.state === "running" ? "running" : "reviewing";
    if (!runMay(r.state, state, "base")) return null;
    return {
      ...r,
      state,
      reason: `${standing.base} moved: #${group.pull} is being brought up to date`,
      updatedAt: new Date().toISOString(),
      groups: r.groups.map((g) =>
        g.name === groupName
          ? { ...g, catchUp: { ...base, state: "catching-up", task: task.id } }
          : g,
      ),
    };
  });
  await deps.dispatchReady(runKey);
  return "queued";
}

export function isCatchUp(task: Pick<TaskRecord, "kind">): boolean {
  return task.kind === "catch-up" || task.kind === "conflict";
}

async function setBase(
  store: RunStore,
  runKey: string,
  groupName: string,
  change: (base: GroupCatchUp | undefined) => GroupCatchUp | undefined,
): Promise<void> {
  await store.updateRun(runKey, (r) => {
    const group = r.groups.find((g) => g.name === groupName);
    if (!group) return null;
    const base = change(group.catchUp);
    if (JSON.stringify(base) === JSON.stringify(group.catchUp)) return null;
    return {
      ...r,
      groups: r.groups.map((g): GroupRecord => (g === group ? { ...g, catchUp: base } : g)),
    };
  });
}
