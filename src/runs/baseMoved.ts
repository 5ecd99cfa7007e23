import type { GitHubPort } from "../github/githubPort.js";
import { type CatchUp, catchUpGroup } from "./catchUpGroup.js";
import { isEnded } from "./runMachine.js";
import type { RunStore } from "./runStore.js";

export interface BaseMovedDeps {
  store: RunStore;
  github: GitHubPort;
  dispatchReady(runKey: string): Promise<void>;
  requestPublish(runKey: string): Promise<void>;
}

/** GitHub was still computing some PR's mergeability: ask again shortly (the job is retried). */
export class MergeabilityPendingError extends Error {
  constructor(readonly pulls: number[]) {
    super(`GitHub is still computing whether ${pulls.map((p) => `#${p}`).join(", ")} can merge`);
    this.name = "MergeabilityPendingError";
  }
}

/**
 * The default branch of a repository moved (a `push` webhook): every open group PR of the
 * repository's runs is caught up with it (see catchUpGroup). Runs that ended for good are left
 * alone; a done run is woken. Throws MergeabilityPendingError when GitHub had no answer yet for
 * some PR, after handling the others.
 */
export async function baseMoved(
  repo: { owner: string; repo: string },
  branch: string,
  deps: BaseMovedDeps,
  /** who force-pushed it, when the push rewrote its history */
  o: { forcedBy?: string } = {},
): Promise<void> {
  // A rewritten base is merged from its new history; commits it dropped that the branch still
  // holds (merged in earlier) stay on the branch and show in the PR's diff: said, not guessed at.
  const note = o.forcedBy
    ? `${o.forcedBy} force-pushed ${branch}: its new history is merged in; commits it dropped that this branch holds show in the PR's diff, so check it`
    : undefined;
  const info = await deps.github.repoInfo(repo);
  if (branch !== info.defaultBranch) return;
  const prefix = `${repo.owner}/${repo.repo}#`.toLowerCase();
  const pending: number[] = [];
  for (const key of await deps.store.keys()) {
    if (!key.toLowerCase().startsWith(prefix)) continue;
    const snapshot = await deps.store.get(key);
    if (!snapshot || (isEnded(snapshot.run.state) && snapshot.run.state !== "done")) continue;
    const outcomes: CatchUp[] = [];
    for (const group of snapshot.run.groups) {
      if (group.pull === null) continue;
      const outcome = await catchUpGroup(key, group.name, deps, note ? { note } : {});
      if (outcome === "pending") pending.push(group.pull);
      outcomes.push(outcome);
    }
    if (outcomes.some((o) => o !== "none" && o !== "pending")) await deps.requestPublish(key);
  }
  if (pending.length > 0) throw new MergeabilityPendingError(pending);
}
