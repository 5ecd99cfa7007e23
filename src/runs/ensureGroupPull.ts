import type { GitHubPort } from "../github/githubPort.js";
import { pullStateNote } from "./pullStateNote.js";
import { renderPullBody } from "./renderPullBody.js";
import type { ReviewStore } from "./reviewStore.js";
import type { RunStore } from "./runStore.js";
import { orderTasks } from "./status/orderTasks.js";

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
  const group = run.groups.find((g) => g.name === groupName);
  if (!group) return null;
  // In dependency order, as the status comment lists them (Redis keeps no order).
  const tasks = orderTasks(snapshot).filter((t) => t.group === groupName && t.kind === "implement");
  const complete = tasks.filter((t) => t.status === "complete");
  const groupDone = tasks.length > 0 && complete.length === tasks.length;
  const draft = run.config.draft && !groupDone;
  if (!groupDone && !(run.config.draft && complete.some((t) => t.commit))) return null;
  const repo = { owner: run.owner, repo: run.repo };
  const info = await deps.github.repoInfo(repo);
  const body = renderPullBody(run, group, tasks, info.htmlUrl);
  let pull = await deps.github.findPull(repo, group.branch);
  if (pull && pull.state === "open") {
    if (pull.body !== body) await deps.github.updatePull(repo, pull.number, { body });
    if (groupDone && pull.draft) await deps.github.markReadyForReview(pull.nodeId);
  } else if (!pull) {
    const issue = await deps.github.issue(repo, run.issueNumber);
    try {
      pull = await deps.github.createPull(repo, {
        head: group.branch,
        base: info.defaultBranch,
        title: `${issue.title} — ${group.name}`.slice(0, 250),
        body,
        draft,
      });
    } catch (error) {
      // Another process opened it between our look and our create: use theirs.
      pull = await deps.github.findPull(repo, group.branch);
      if (!pull) throw error;
    }
  }
  const number = pull.number;
  const note = pullStateNote(pull) ?? undefined;
  await deps.store.updateRun(key, (r) => ({
    ...r,
    groups: r.groups.map((g) => (g.name === groupName ? { ...g, pull: number, note } : g)),
  }));
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
