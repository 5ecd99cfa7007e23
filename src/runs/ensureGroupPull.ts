import { DraftsUnsupportedError } from "../github/draftsUnsupportedError.js";
import type { GitHubPort } from "../github/githubPort.js";
import { renderPullBody } from "./renderPullBody.js";
import { renderStackLine } from "./renderStackLine.js";
import type { ReviewStore } from "./reviewStore.js";
import type { GroupRecord } from "./run.js";
import type { RunStore } from "./runStore.js";
import { groupBase, stackChain } from "./stackParent.js";
import { orderTasks } from "./status/orderTasks.js";
import { withPullState } from "./withPullState.js";

const DRAFT_REFUSED =
  "opened ready for review, not as a draft: GitHub has drafts in public repositories and in private ones on the Team and Enterprise plans only";

/**
 * Opens the group's pull request once every implement task of the group is complete — or, with
 * `draft: true`, as a draft at the group's first push, marked ready when the group completes.
 * A PR that exists for the branch (opened earlier, by a restarted process, or by a person) is
 * reused and its body refreshed. Never two PRs for one group.
 */
export async function ensureGroupPull(
  key: string,
  groupName: string,
  deps: { store: RunStore; github: GitHubPort; reviews?: ReviewStore },
): Promise<number | null> {
  const snapshot = await deps.store.get(key);
  if (!snapshot) return null;
  const { run } = snapshot;
  // Nothing is opened for a stopped run (read again right before the create). A run that failed
  // or is already done still gets the PRs of its finished groups, and drafts marked ready: a
  // group's work is done even when another group's failed, or a last settle made the run done.
  if (run.state === "stopped") return null;
  const group = run.groups.find((g) => g.name === groupName);
  if (!group) return null;
  // In dependency order, as the status comment lists them (Redis keeps no order).
  const tasks = orderTasks(snapshot).filter((t) => t.group === groupName && t.kind === "implement");
  const complete = tasks.filter((t) => t.status === "complete");
  const groupDone = tasks.length > 0 && complete.length === tasks.length;
  const draft = run.config.draft && !run.draftsUnsupported && !groupDone;
  if (!groupDone && !(run.config.draft && complete.some((t) => t.commit))) return null;
  const repo = { owner: run.owner, repo: run.repo };
  const info = await deps.github.repoInfo(repo);
  const body = renderPullBody(
    run,
    group,
    tasks,
    info.htmlUrl,
    renderStackLine(snapshot, groupName),
  );
  // A stacked group's PR is opened against its parent's branch, so it shows only its own diff.
  const base = groupBase(snapshot, groupName, info.defaultBranch);
  let pull = await deps.github.findPull(repo, group.branch, group.headRepo?.owner);
  let draftRefused = false;
  let created = false;
  if (pull && pull.state === "open") {
    if (pull.body !== body) await deps.github.updatePull(repo, pull.number, { body });
    if (groupDone && pull.draft) await deps.github.markReadyForReview(pull.nodeId);
  } else if (!pull) {
    const issue = await deps.github.issue(repo, run.issueNumber);
    const state = await deps.store.stateOf(key);
    if (state === null || state === "stopped") return null;
    const create = (asDraft: boolean) =>
      deps.github.createPull(repo, {
        head: group.branch,
        base,
        title: `${issue.title} — ${group.name}`.slice(0, 250),
        body,
        draft: asDraft,
      });
    try {
      pull = await create(draft);
      created = true;
    } catch (error) {
      if (error instanceof DraftsUnsupportedError) {
        // Free and Pro accounts get no drafts in private repositories: open it ready, say so,
        // and do not ask again for the run's other groups.
        await deps.store.updateRun(key, (r) => ({ ...r, draftsUnsupported: true }));
        draftRefused = true;
        pull = await create(false);
        created = true;
      } else {
        // Another process opened it between our look and our create: use theirs.
        pull = await deps.github.findPull(repo, group.branch, group.headRepo?.owner);
        if (!pull) throw error;
      }
    }
  }
  const number = pull.number;
  const opened = pull;
  const settled = (g: GroupRecord): GroupRecord => {
    // The base is learnt once; later moves are recorded by restackChildren and noteRetarget.
    const next = { ...withPullState({ ...g, pull: number }, opened), base: g.base ?? opened.base };
    return draftRefused && next.state === undefined ? { ...next, note: DRAFT_REFUSED } : next;
  };
  await deps.store.updateRun(key, (r) => ({
    ...r,
    groups: r.groups.map((g) => (g.name === groupName ? settled(g) : g)),
  }));
  // The stack's bodies link the new PR (its own too, now that it has a number).
  if (created) await linkStack(key, groupName, deps, info.htmlUrl);
  if (pull.state === "open") {
    await deps.reviews?.track({
      owner: run.owner,
      repo: run.repo,
      number,
      installationId: run.installationId,
      runKey: key,
      group: groupName,
    });
  }
  return number;
}

/** Refreshes the bodies of the open PRs of `groupName`'s stack (their stack line). */
async function linkStack(
  key: string,
  groupName: string,
  deps: { store: RunStore; github: GitHubPort },
  repoUrl: string,
): Promise<void> {
  const snapshot = await deps.store.get(key);
  if (!snapshot) return;
  const { run } = snapshot;
  const repo = { owner: run.owner, repo: run.repo };
  for (const name of stackChain(snapshot, groupName)) {
    const group = run.groups.find((g) => g.name === name);
    if (!group?.pull || group.state !== undefined) continue;
    const tasks = orderTasks(snapshot).filter((t) => t.group === name && t.kind === "implement");
    const body = renderPullBody(run, group, tasks, repoUrl, renderStackLine(snapshot, name));
    const pull = await deps.github.pull(repo, group.pull);
    if (pull.state === "open" && pull.body !== body) {
      await deps.github.updatePull(repo, group.pull, { body });
    }
  }
}
