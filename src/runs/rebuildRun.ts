import type { RepoConfig } from "../config/repoConfig.js";
import type { GitHubPort } from "../github/githubPort.js";
import { parseSpec } from "../spec/parseSpec.js";
import type { ReviewStore } from "./reviewStore.js";
import type { RunSnapshot, TaskRecord } from "./run.js";
import type { RunStore } from "./runStore.js";
import { decodeStatusMetadata, isStatusComment } from "./statusMetadata.js";

/**
 * Rebuilds a run whose Redis state is gone (Redis lost, or wiped) from what GitHub holds: the
 * status comment's hidden metadata, the spec in the issue (task descriptions and fields the
 * metadata leaves out), the group branches' pull requests. Work that was queued or running is
 * queued again (its jobs went with Redis); review threads are found again by the next poll.
 * Returns null when the issue has no status comment of ours.
 */
export async function rebuildRun(
  target: { owner: string; repo: string; issueNumber: number; installationId: number },
  config: RepoConfig,
  deps: { github: GitHubPort; store: RunStore; reviews?: ReviewStore | undefined },
): Promise<RunSnapshot | null> {
  const repo = { owner: target.owner, repo: target.repo };
  const comments = await deps.github.listComments(repo, target.issueNumber);
  const status = comments.find((c) => c.author === deps.github.appLogin && isStatusComment(c.body));
  const meta = status ? decodeStatusMetadata(status.body) : null;
  if (!status || !meta) return null;

  const issue = await deps.github.issue(repo, target.issueNumber);
  const parsed = parseSpec(issue.body, { maxTasks: config.limits.max_tasks });
  const fromSpec = new Map(
    parsed.ok && parsed.format !== "freeform" ? parsed.tasks.map((t) => [t.id, t]) : [],
  );
  const tasks: TaskRecord[] = meta.tasks
    // A review-thread task that had not finished is made again from the thread itself.
    .filter((t) => t.kind === "implement" || t.status === "complete")
    .map((t) => {
      const spec = fromSpec.get(t.id);
      const lost = t.status === "ready" || t.status === "in_progress";
      return {
        ...t,
        title: t.title || spec?.title || t.id,
        description: spec?.description ?? t.title,
        verify: spec?.verify,
        backend: spec?.backend,
        race: spec?.race,
        status: lost ? "pending" : t.status,
      };
    });
  const groups = [];
  for (const group of meta.run.groups) {
    const pull =
      group.pull === null
        ? await deps.github.findPull(repo, group.branch, group.headRepo?.owner)
        : null;
    groups.push({ ...group, pull: group.pull ?? pull?.number ?? null, checkRun: undefined });
  }
  const snapshot: RunSnapshot = {
    run: {
      ...meta.run,
      installationId: target.installationId,
      statusCommentId: status.id,
      config,
      conversation: [],
      groups,
      reason: meta.run.reason,
    },
    tasks,
  };
  await deps.store.put(snapshot);
  for (const group of groups) {
    if (group.pull === null) continue;
    await deps.reviews?.track({
      owner: target.owner,
      repo: target.repo,
      number: group.pull,
      installationId: target.installationId,
      runKey: snapshot.run.key,
      group: group.name,
    });
  }
  return snapshot;
}
