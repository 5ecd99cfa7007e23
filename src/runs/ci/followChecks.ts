import { CiPermissionError, type HeadCheck } from "../../github/ciChecksPort.js";
import type { GitHubPort, RepoCoordinates } from "../../github/githubPort.js";
import type { CiFailure, GroupCi, TaskRecord } from "../run.js";
import { isLive, isOpenTask } from "../runMachine.js";
import type { RunStore } from "../runStore.js";
import { stackPlaces } from "../stackParent.js";
import { CI_CAP_REASON, ciHolds } from "./ciHolds.js";
import { judgeChecks } from "./judgeChecks.js";

export interface FollowChecksDeps {
  store: RunStore;
  github: GitHubPort;
  dispatchReady(runKey: string): Promise<void>;
  now?: () => Date;
}

/** Bounds of what one failed check brings into a work order. */
export const CI_LIMITS = { logBytes: 64 * 1024, logLines: 200, output: 4_000 };

/**
 * Looks at the checks on the head of `group`'s pull request and acts on them: waits while any
 * runs, re-runs a failed GitHub Actions job once (`ci.rerun_failed`), turns the failed checks of
 * a head into one `ci-fix` task (up to `limits.ci_rounds` of them), past which the run is
 * `needs-input`. While the group's tasks are still at work nothing is judged: their push brings
 * a new head. Returns whether the run changed.
 */
export function followChecks(
  runKey: string,
  groupName: string,
  deps: FollowChecksDeps,
): Promise<boolean> {
  // One look at a group's CI at a time: one job's end sends three webhooks at once.
  return deps.store.exclusive(runKey, `ci:${groupName}`, () => follow(runKey, groupName, deps));
}

async function follow(runKey: string, groupName: string, deps: FollowChecksDeps): Promise<boolean> {
  const ci = deps.github.ci;
  const snapshot = await deps.store.get(runKey);
  if (!ci || !snapshot) return false;
  const { run, tasks } = snapshot;
  const group = run.groups.find((g) => g.name === groupName);
  if (!group || group.pull === null) return false;
  if (!(isLive(run.state) || run.state === "done" || capped(run.reason))) return false;
  if (tasks.some((t) => t.group === groupName && isOpenTask(t.status))) return false;
  const repo = { owner: run.owner, repo: run.repo };
  const pull = await ci.pullHead(repo, group.pull);
  if (pull.state !== "open") {
    // Merged or closed: its CI no longer holds the run.
    if (!group.ci) return false;
    await deps.store.updateRun(runKey, (r) => ({
      ...r,
      groups: r.groups.map((g) => (g.name === groupName ? { ...g, ci: undefined } : g)),
    }));
    return true;
  }
  const now = (deps.now ?? (() => new Date()))();

  let checks: HeadCheck[];
  let refused: CiPermissionError[];
  try {
    ({ checks, refused } = await ci.headChecks(repo, pull.headSha));
  } catch (error) {
    if (!(error instanceof CiPermissionError)) throw error;
    return saveCi(deps, runKey, groupName, {
      headSha: pull.headSha,
      state: "blind",
      since: now.toISOString(),
      note: `${grantNote(error)}; until then the run goes on without CI follow-up`,
    });
  }
  const verdict = judgeChecks(checks, {
    headSha: pull.headSha,
    appSlug: deps.github.appLogin.replace(/\[bot\]$/, ""),
    previous: group.ci,
    rerunFailed: run.config.ci.rerun_failed,
    timeoutMinutes: run.config.ci.timeout_minutes,
    now,
  });
  const required = await unseenRequired(ci, repo, pull.base, checks);
  const notes = [
    ...refused.map((e) => `${grantNote(e)} to follow them`),
    ...(required.length > 0 ? [requiredNote(required)] : []),
  ];
  const withNote = (c: GroupCi): GroupCi =>
    notes.length > 0 ? { ...c, note: [c.note, ...notes].filter(Boolean).join("; ") } : c;

  if (verdict.kind === "wait" || verdict.kind === "green") {
    const changed = await saveCi(deps, runKey, groupName, withNote(verdict.ci));
    // A person made CI green after the rounds were spent: the run goes on, unless another
    // group's PR still waits for a person.
    if (verdict.kind === "green" && capped(run.reason)) {
      const now = await deps.store.get(runKey);
      if (now && ciHolds(now.run, now.tasks)?.state === "needs-input") return changed;
      await deps.store.updateRun(runKey, (r) =>
        r.state === "needs-input" && capped(r.reason)
          ? { ...r, state: "reviewing", reason: `CI is green on #${group.pull}` }
          : null,
      );
      await deps.dispatchReady(runKey);
      return true;
    }
    return changed;
  }
  if (verdict.kind === "rerun") {
    let rerunRefused: CiPermissionError | null = null;
    for (const job of verdict.jobs) {
      try {
        await ci.rerunJob(repo, job.actionsJobId ?? 0);
      } catch (error) {
        if (!(error instanceof CiPermissionError)) throw error;
        rerunRefused = error;
      }
    }
    if (!rerunRefused) return saveCi(deps, runKey, groupName, verdict.ci);
    // Not allowed to re-run (and not asked again: the jobs count as re-run): the failures are
    // fixed instead, and the note says why.
    verdict.ci.note = `${grantNote(rerunRefused)} to re-run failed jobs (\`ci.rerun_failed\`)`;
  }

  const { failed } = verdict;
  const ciRecord = withNote({
    ...verdict.ci,
    state: "red",
    failing: failed.map((c) => c.name),
    pending: undefined,
  });
  // Stacked on a group whose CI fails or still runs: this branch carries that group's work, so
  // a failure here may well be its failure. It is fixed there, and reaches this branch when it
  // is caught up with its parent; no round of this group is spent on it.
  const parentName = run.config.stack ? stackPlaces(snapshot).get(groupName)?.parent : null;
  const parent = run.groups.find((g) => g.name === parentName);
  const onParent =
    parent && parent.state === undefined && (group.base ?? parent.branch) === parent.branch;
  if (onParent && (parent.ci?.state === "red" || parent.ci?.state === "pending")) {
    const note = `#${parent.pull}, which this pull request is stacked on, has CI ${parent.ci.state === "red" ? "failing" : "still running"}: it is fixed there first, and reaches this branch when it is caught up`;
    return saveCi(deps, runKey, groupName, {
      ...ciRecord,
      note: [ciRecord.note, note].filter(Boolean).join("; "),
    });
  }
  const fixes = tasks.filter((t) => t.group === groupName && t.kind === "ci-fix");
  // One task per failed head: a fix already made for this head is not made again.
  if (fixes.some((t) => t.checks?.headSha === pull.headSha)) {
    return saveCi(deps, runKey, groupName, ciRecord);
  }
  if (fixes.length >= run.config.limits.ci_rounds) {
    // The rounds are spent: the run's verdict makes it `needs-input` once the rest of its work
    // is through (see ciHolds), so other groups' tasks still run meanwhile.
    await saveCi(deps, runKey, groupName, ciRecord);
    return true;
  }
  const task = fixTask(
    groupName,
    group.pull,
    pull.headSha,
    fixes.length + 1,
    tasks,
    await failuresOf(ci, repo, failed),
  );
  await deps.store.addTasks(runKey, [task]);
  await saveCi(deps, runKey, groupName, ciRecord);
  await deps.store.updateRun(runKey, (r) =>
    r.state === "done" || r.state === "reviewing"
      ? { ...r, state: "reviewing", reason: `CI failed on #${group.pull}: fixing it` }
      : null,
  );
  await deps.dispatchReady(runKey);
  return true;
}

function capped(reason: string | null): boolean {
  return reason?.startsWith(CI_CAP_REASON) === true;
}

function grantNote(error: CiPermissionError): string {
  return `GitHub refuses the App ${error.permission === "statuses" ? "commit statuses" : error.permission === "actions" ? "GitHub Actions" : "check runs"}: grant it \`${error.permission}: ${error.access}\` in the App's settings (and accept it on the installation)`;
}

function requiredNote(names: readonly string[]): string {
  const list = names.map((n) => `\`${n.replace(/`/g, "'")}\``).join(", ");
  return `the branch rules require ${list}, which ${names.length === 1 ? "has" : "have"} not reported on this head: Orchestrate cannot see ${names.length === 1 ? "it" : "them"} (a check of another service, or a name that changed) — check the rules or that CI`;
}

async function unseenRequired(
  ci: NonNullable<GitHubPort["ci"]>,
  repo: RepoCoordinates,
  base: string,
  checks: readonly HeadCheck[],
): Promise<string[]> {
  const required = await ci.requiredChecks(repo, base).catch(() => [] as string[]);
  const seen = new Set(checks.map((c) => c.name.toLowerCase()));
  return required.filter((r) => !seen.has(r.toLowerCase()));
}

async function failuresOf(
  ci: NonNullable<GitHubPort["ci"]>,
  repo: RepoCoordinates,
  failed: readonly HeadCheck[],
): Promise<CiFailure[]> {
  const out: CiFailure[] = [];
  for (const check of failed) {
    const failure: CiFailure = {
      name: check.name,
      output: check.output.slice(0, CI_LIMITS.output),
    };
    if (check.actionsJobId !== null) {
      try {
        const tail = await ci.jobLogTail(repo, check.actionsJobId, CI_LIMITS.logBytes);
        failure.log = tail.split("\n").slice(-CI_LIMITS.logLines).join("\n");
      } catch (error) {
        failure.logMissing =
          error instanceof CiPermissionError
            ? grantNote(error)
            : `the download failed: ${(error as Error).message.split("\n")[0]}`;
      }
    }
    out.push(failure);
  }
  return out;
}

function fixTask(
  group: string,
  pull: number,
  headSha: string,
  round: number,
  existing: readonly TaskRecord[],
  failures: CiFailure[],
): TaskRecord {
  const taken = new Set(existing.map((t) => t.id));
  let id = `ci-${pull}-${round}`;
  for (let n = 2; taken.has(id); n++) id = `ci-${pull}-${round}-${n}`;
  const names = failures.map((f) => f.name).join(", ");
  return {
    id,
    group,
    depends_on: existing
      .filter((t) => t.group === group && t.kind === "implement")
      .map((t) => t.id),
    title: `CI on #${pull}: ${names}`,
    description: `Make the failed ${failures.length === 1 ? "check" : "checks"} ${names} pass on the pull request's branch (commit ${headSha.slice(0, 7)}). Round ${round}.`,
    priority: 1_000_000,
    status: "pending",
    kind: "ci-fix",
    attempts: 0,
    checks: { pull, headSha, failures },
  };
}

async function saveCi(
  deps: FollowChecksDeps,
  runKey: string,
  groupName: string,
  ci: GroupCi,
): Promise<boolean> {
  const updated = await deps.store.updateRun(runKey, (r) => {
    const group = r.groups.find((g) => g.name === groupName);
    if (!group || same(group.ci, ci)) return null;
    return { ...r, groups: r.groups.map((g) => (g.name === groupName ? { ...g, ci } : g)) };
  });
  return updated !== null;
}

/** The same record, whatever order its keys came in (a stored one comes back in schema order). */
function same(a: GroupCi | undefined, b: GroupCi): boolean {
  const canonical = (c: GroupCi) => JSON.stringify(c, Object.keys(c).sort());
  return a !== undefined && canonical(a) === canonical(b);
}
