import type { PollResult, RepoSeen, TrackedPull } from "../github/reviewThreads.js";
import { type ReconcileDeps, reconcilePull } from "./reconcilePull.js";
import type { TrackedPullRecord } from "./reviewStore.js";
import { isEnded } from "./runMachine.js";

export interface ReviewPassDeps extends ReconcileDeps {
  poll(
    pulls: readonly TrackedPull[],
    repos: Readonly<Record<string, RepoSeen>>,
  ): Promise<PollResult>;
  installationId: number;
  /** after a run's threads changed: settle it and refresh its status comment */
  changed(runKey: string, group: string): Promise<void>;
}

/** How long a finished run's PR is still polled after its last new thread. */
export const QUIET_MS = 5 * 60_000;
/** ...and at most this long after the app's last push to it, however busy its threads. */
export const PUSH_CAP_MS = 15 * 60_000;

/**
 * One pass over some tracked PRs of one installation — all of them every poll cycle, or the one
 * a review webhook named (`relist`) — through the same reconcile either way.
 */
export async function reviewPass(
  records: TrackedPullRecord[],
  deps: ReviewPassDeps,
  options: { relist: boolean },
): Promise<{ pulls: number; tasks: number; graphqlPoints: number }> {
  if (records.length === 0) return { pulls: 0, tasks: 0, graphqlPoints: 0 };
  const now = (deps.now ?? (() => new Date()))();
  const repos = await deps.reviews.reposSeen(deps.installationId);
  const result = await deps.poll(
    records.map((r) => ({
      owner: r.owner,
      repo: r.repo,
      number: r.number,
      seen: r.seen,
      relist: options.relist,
    })),
    repos,
  );
  await deps.reviews.saveReposSeen(deps.installationId, result.repos);
  const find = (owner: string, repo: string, number: number) =>
    records.find(
      (r) =>
        r.number === number &&
        r.owner.toLowerCase() === owner.toLowerCase() &&
        r.repo.toLowerCase() === repo.toLowerCase(),
    );
  let tasks = 0;
  for (const poll of result.pulls) {
    const record = find(poll.owner, poll.repo, poll.number);
    if (!record) continue;
    if (poll.changed || poll.threads !== null || poll.state !== "OPEN") {
      const added = await deps.reviews.exclusive(
        record.owner,
        record.repo,
        record.number,
        async () => {
          // Re-read under the lock: another reconcile may have handled these threads meanwhile.
          const current =
            (await deps.reviews.get(record.owner, record.repo, record.number)) ?? record;
          return reconcilePull(current, poll, deps);
        },
      );
      tasks += added.length;
      await deps.changed(record.runKey, record.group);
      continue;
    }
    // Nothing changed: stop polling an ended run's PR once it has been quiet for a while, or
    // long enough after the last push; a review webhook wakes it.
    const state = await deps.store.stateOf(record.runKey);
    const quiet = now.getTime() - Date.parse(record.lastActivityAt) >= QUIET_MS;
    const pushedLongAgo =
      record.lastPushAt !== null && now.getTime() - Date.parse(record.lastPushAt) >= PUSH_CAP_MS;
    if (state === null || state === "stopped" || (isEnded(state) && (quiet || pushedLongAgo))) {
      await deps.reviews.park(record.owner, record.repo, record.number);
    }
  }
  for (const gone of result.missing) {
    const record = find(gone.owner, gone.repo, gone.number);
    if (record) await deps.reviews.park(record.owner, record.repo, record.number);
  }
  return { pulls: result.pulls.length, tasks, graphqlPoints: result.graphqlPoints };
}
