import type { RepoConfig } from "../config/repoConfig.js";
import { type GitHubPort, WRITE_PERMISSIONS } from "../github/githubPort.js";
import type { PullPoll, ThreadDetail } from "../github/reviewThreads.js";
import { botLoginMatches } from "./botLoginMatches.js";
import type { ReviewStore, TrackedPullRecord } from "./reviewStore.js";
import type { ReviewThreadsPort } from "./reviewThreadsPort.js";
import type { GroupRecord, ReviewThreadRef, TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";
import { withPullState } from "./withPullState.js";

export interface ReconcileDeps {
  store: RunStore;
  reviews: ReviewStore;
  github: GitHubPort;
  threads: ReviewThreadsPort;
  dispatchReady(runKey: string): Promise<void>;
  now?: () => Date;
}

const COMMENT_CHARS = 4000;

/**
 * One pull request's review threads against what the run already knows: every new or changed
 * unresolved thread from a trusted author becomes work — threads of one submitted review
 * become one `review-thread` task — and a thread from anyone else is left alone and counted.
 * The poller and the review webhooks both come through here. Returns the tasks it added.
 */
export async function reconcilePull(
  record: TrackedPullRecord,
  poll: PullPoll,
  deps: ReconcileDeps,
): Promise<TaskRecord[]> {
  const now = (deps.now ?? (() => new Date()))();
  const snapshot = await deps.store.get(record.runKey);
  if (!snapshot) return [];
  const { run } = snapshot;
  if (poll.state !== "OPEN") {
    await deps.reviews.park(record.owner, record.repo, record.number);
    await changeGroup(deps, record, (group) =>
      withPullState(group, { state: "closed", merged: poll.state === "MERGED" }),
    );
    return [];
  }
  const group = run.groups.find((g) => g.name === record.group);
  if (group && withPullState(group, { state: "open", merged: false }) !== group) {
    // Reopened: followed again, and no longer shown as closed.
    await changeGroup(deps, record, (g) => withPullState(g, { state: "open", merged: false }));
  }
  const threads = poll.threads ?? [];
  const candidates = threads.filter((t) => {
    const handled = record.handled[t.threadId];
    if (handled === undefined) return !t.isResolved;
    // Unresolved by a person, or answered after it was resolved: it is work again.
    return t.commentCount > handled || (!t.isResolved && t.before?.isResolved === true);
  });
  const details =
    candidates.length > 0
      ? await deps.threads.threadDetails(candidates.map((t) => t.threadId))
      : [];
  const appLogin = deps.github.appLogin.replace(/\[bot\]$/, "");
  const handled: Record<string, number> = { ...record.handled };
  const ignored = new Set(record.ignored);
  const work: ThreadDetail[] = [];
  const trust = new Map<string, boolean>();
  for (const detail of details) {
    const count = detail.comments.length;
    const fresh = detail.comments.slice(handled[detail.id] ?? 0);
    const byOthers = fresh.filter((c) => c.author !== appLogin);
    // Our own reply (and resolve) is not new work; nor is a resolved thread nobody reopened.
    if (byOthers.length === 0 || (detail.isResolved && !reopened(detail, record))) {
      handled[detail.id] = count;
      continue;
    }
    const author = detail.comments[0]?.author ?? "";
    if (!(await trusted(author, detail, run.config, deps.github, run, trust))) {
      ignored.add(detail.id);
      handled[detail.id] = count;
      continue;
    }
    if (
      run.config.follow === "mention" &&
      !detail.comments.some((c) => mentions(c.body, appLogin))
    ) {
      // People talking among themselves: left alone (and not holding the run open) until
      // someone mentions the app in the thread.
      ignored.add(detail.id);
      handled[detail.id] = count;
      continue;
    }
    ignored.delete(detail.id);
    work.push(detail);
    handled[detail.id] = count;
  }

  const added = tasksFor(work, record, snapshot.tasks, trust, deps.github.appLogin);
  if (added.length > 0) {
    await deps.store.addTasks(record.runKey, added);
    await deps.store.updateRun(record.runKey, (r) =>
      r.state === "done" || isLive(r.state)
        ? {
            ...r,
            state: r.state === "running" ? "running" : "reviewing",
            reason: `review on #${record.number}`,
          }
        : null,
    );
  }
  const openFollowed = threads.filter((t) => !t.isResolved && !ignored.has(t.threadId)).length;
  const resolved = threads.filter((t) => t.isResolved).length;
  await deps.store.updateRun(record.runKey, (r) => ({
    ...r,
    groups: r.groups.map((g) =>
      g.name === record.group
        ? { ...g, threads: { open: openFollowed, resolved, ignored: ignored.size } }
        : g,
    ),
  }));
  await deps.reviews.update(record.owner, record.repo, record.number, (r) => ({
    ...r,
    seen: poll.seen,
    handled,
    ignored: [...ignored],
    lastActivityAt: candidates.length > 0 ? now.toISOString() : r.lastActivityAt,
  }));
  if (added.length > 0) await deps.dispatchReady(record.runKey);
  return added;
}

function reopened(detail: ThreadDetail, record: TrackedPullRecord): boolean {
  // A resolved thread is work again only when someone other than the app wrote after it was
  // handled; the caller has already checked there is such a comment.
  return (record.handled[detail.id] ?? 0) > 0;
}

async function trusted(
  login: string,
  detail: ThreadDetail,
  config: RepoConfig,
  github: GitHubPort,
  run: { owner: string; repo: string },
  cache: Map<string, boolean>,
): Promise<boolean> {
  const cached = cache.get(login);
  if (cached !== undefined) return cached;
  const first = detail.comments[0];
  let ok: boolean;
  if (first?.authorType === "Bot") {
    // GraphQL names bots without the "[bot]" suffix REST and the config use, in any case.
    ok = botLoginMatches(config.trusted_bots, login);
  } else {
    ok = WRITE_PERMISSIONS.has(
      await github.permissionOf({ owner: run.owner, repo: run.repo }, login),
    );
  }
  cache.set(login, ok);
  return ok;
}

function mentions(body: string, appLogin: string): boolean {
  return new RegExp(`@${appLogin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\[bot\\])?\\b`, "i").test(
    body,
  );
}

/** Threads that arrived in one submitted review become one task: one push, one reply each. */
function tasksFor(
  work: ThreadDetail[],
  record: TrackedPullRecord,
  existing: TaskRecord[],
  trust: Map<string, boolean>,
  appLogin: string,
): TaskRecord[] {
  const byReview = new Map<string, ThreadDetail[]>();
  for (const detail of work) {
    const review = detail.comments[detail.comments.length - 1]?.reviewId ?? detail.id;
    byReview.set(review, [...(byReview.get(review) ?? []), detail]);
  }
  const dependsOn = existing
    .filter((t) => t.group === record.group && t.kind === "implement")
    .map((t) => t.id);
  const taken = new Set(existing.map((t) => t.id));
  const tasks: TaskRecord[] = [];
  let n = existing.filter((t) => t.kind === "review-thread").length;
  for (const details of byReview.values()) {
    let id: string;
    do {
      n += 1;
      id = `review-${record.number}-${n}`;
    } while (taken.has(id));
    taken.add(id);
    const threads: ReviewThreadRef[] = details.map((d) => ({
      id: d.id,
      pull: record.number,
      path: d.path,
      line: d.line,
      diffHunk: d.diffHunk,
      // Only what trusted people (and the app) wrote reaches the agent.
      comments: d.comments
        .filter(
          (c) => trust.get(c.author) === true || c.author === appLogin.replace(/\[bot\]$/, ""),
        )
        .map((c) => ({ author: c.author, body: c.body.slice(0, COMMENT_CHARS) })),
      commentCount: d.comments.length,
    }));
    const first = threads[0];
    tasks.push({
      id,
      group: record.group,
      depends_on: dependsOn,
      title: `Review on #${record.number}: ${threads.length === 1 && first ? `${first.path}${first.line ? `:${first.line}` : ""}` : `${threads.length} threads`}`,
      description: threads
        .map(
          (t) =>
            `${t.path}${t.line ? `:${t.line}` : ""} — ${t.comments[t.comments.length - 1]?.body.split("\n")[0] ?? ""}`,
        )
        .join("\n"),
      priority: 1_000_000,
      status: "pending",
      kind: "review-thread",
      attempts: 0,
      threads,
    });
  }
  return tasks;
}

async function changeGroup(
  deps: ReconcileDeps,
  record: TrackedPullRecord,
  change: (group: GroupRecord) => GroupRecord,
): Promise<void> {
  await deps.store.updateRun(record.runKey, (r) => ({
    ...r,
    groups: r.groups.map((g) => (g.name === record.group ? change(g) : g)),
  }));
}
