import { type Mergeability, mergeability } from "../git/mergeability.js";
import type { SandboxPull, SandboxRepo } from "../state.js";
import { pullEnds } from "./pullStats.js";

// GitHub computes a pull request's mergeability in a background job after either side moves:
// "If the value is null, then GitHub has started a background job to compute the mergeability.
// After giving the job time to complete, resubmit the request." The sandbox does the same: the
// first read of a (base, head) pair starts the computation and answers null; later reads get it.

const CACHE_LIMIT = 500;
const jobs = new Map<string, Promise<Mergeability>>();

/** The PR's mergeability, or null while it is being computed (GitHub's `mergeable: null`). */
export async function pullMergeability(
  repo: SandboxRepo,
  pull: SandboxPull,
): Promise<Mergeability | null> {
  if (pull.state !== "open") return null;
  const { base, head } = await pullEnds(repo, pull);
  const key = `${repo.gitDir}\0${base}\0${head}`;
  const job = jobs.get(key);
  if (job) return job;
  const started = mergeability(repo.gitDir, base, head);
  started.catch(() => jobs.delete(key));
  jobs.set(key, started);
  if (jobs.size > CACHE_LIMIT) jobs.delete(jobs.keys().next().value as string);
  return null;
}

/** `mergeable`, `rebaseable` and `mergeable_state` of the full pull-request object. */
export function mergeFields(pull: SandboxPull, m: Mergeability | null) {
  if (pull.state !== "open") {
    return { mergeable: null, rebaseable: null, mergeable_state: "unknown" };
  }
  if (m === null) return { mergeable: null, rebaseable: null, mergeable_state: "unknown" };
  // GitHub says `behind` only when the base's protection requires branches to be up to date
  // before merging; the sandbox has no branch protection, so a PR behind its base is `clean`
  // (the compare API's `behind_by` is what tells it is behind).
  const state = m.conflicted ? "dirty" : pull.draft ? "draft" : "clean";
  return { mergeable: !m.conflicted, rebaseable: !m.conflicted, mergeable_state: state };
}
