import { CallTally } from "./callTally.js";
import { classifyThreads } from "./classifyThreads.js";
import { type CommentActivity, commentActivity } from "./commentActivity.js";
import { type ListRequest, listThreadPages } from "./listThreadPages.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { type PullHead, pollHeads } from "./pollHeads.js";
import { pullKey, repoKey } from "./pullRef.js";
import type {
  ListReason,
  MissingPull,
  PollResult,
  PullPoll,
  RepoSeen,
  ReviewThreadsOctokit,
  TrackedPull,
} from "./types.js";

export interface PollSettings {
  sweepAfterMs: number;
  concurrency: number;
  now: () => number;
}

/** Threads assumed on a never-listed PR when sizing its first page (most have none yet). */
const NEW_PULL_GUESS = 5;
/** Room on a first page for threads opened since the last listing. */
const FIRST_PAGE_MARGIN = 5;

// How a poll finds thread changes on many PRs for almost no GraphQL points.
//
// GitHub charges a call by its connections: each costs the product of the `first`s above it,
// summed, /100, minimum 1 point. Listing threads with their comment counts costs 1 + first
// requests per PR (the nested count is charged per thread), so `reviewThreads(first: 100)
// { nodes { comments { totalCount } } }` is a point per PR, and every cycle over 1,000 PRs
// would be 1,000 points (the naive loop the bench measures). Listing threads without counts
// is 1 request per PR (0.01 point) but cannot see a reply. So threads are listed only when
// something points at a change, and the pointing is done by signals that cost next to nothing:
//
//  1. PRs listed whatever GitHub says: never listed; asked for by a webhook (`relist`);
//     "unsettled" (last listed within the second of their updatedAt, so a change in that same
//     second would not move it); due for the safety sweep (a lost webhook).
//  2. For the rest, at once:
//     - the head pass: `updatedAt state` of 250 PRs per call, no connection, 1 point per call
//       (0.004 point per PR). Catches pushes (outdated threads), closes, merges, and whatever
//       else GitHub counts as an update;
//     - each repository's review-comment feed over REST with its ETag: a 304 is free, and a
//       200 names the PRs with comments newer than their last listing. Catches new threads,
//       replies and edits whatever updatedAt does.
//     A resolve or unresolve writes no comment and need not move updatedAt: webhooks (relist)
//     and the sweep cover it.
//  3. One listing pass for the flagged PRs, each first page sized to the threads it had plus a
//     margin, so a PR with 3 threads costs 9 requests, not 101.
//  4. Each listed PR's threads classified against what was seen.
//
// Measured on the sandbox (bench/pollBench.ts), per 30 s cycle at 1,000 PRs: 4 points when
// nothing changed (0.004 per PR), 5 when a person replied in 1% of them; the naive loop 1,000.
// Below 100 PRs the 1-point minimum of the head call dominates (1 point a cycle, 120 an hour).
// (`PullRequest.totalCommentsCount`, a scalar, might let the head pass see replies for free;
// the sandbox does not serve it, so it is untried.)

export async function pollPulls(
  octokit: ReviewThreadsOctokit,
  tracked: readonly TrackedPull[],
  repos: Readonly<Record<string, RepoSeen>>,
  settings: PollSettings,
): Promise<PollResult> {
  const tally = new CallTally();
  const pulls = uniqueByKey(tracked);
  const reasons = new Map<string, ListReason>();
  for (const pull of pulls) {
    const reason = mustList(pull, settings);
    if (reason !== null) reasons.set(pullKey(pull), reason);
  }

  const watched = pulls.filter((p) => !reasons.has(pullKey(p)));
  const [heads, feeds] = await Promise.all([
    pollHeads(octokit, watched, settings.concurrency, tally),
    readFeeds(octokit, watched, repos, settings.concurrency, tally),
  ]);
  for (const pull of watched) {
    const key = pullKey(pull);
    const seen = pull.seen;
    if (seen === null) continue;
    const feed = feeds.get(repoKey(pull));
    const newest = feed?.newestByPull.get(pull.number);
    if (feed?.overflow || (newest !== undefined && Date.parse(newest) >= Date.parse(seen.readAt))) {
      reasons.set(key, "comments");
      continue;
    }
    const head = heads.heads.get(key);
    if (head !== undefined && (head.updatedAt !== seen.updatedAt || head.state !== seen.state)) {
      reasons.set(key, "updated");
    }
  }

  // a PR the head pass could not find is reported missing, not listed
  const headMissing = new Set(heads.missing.map(pullKey));
  const requests: ListRequest[] = pulls
    .filter((p) => reasons.has(pullKey(p)) && !headMissing.has(pullKey(p)))
    .map((p) => ({
      pull: p,
      firstPageSize:
        (p.seen === null ? NEW_PULL_GUESS : Object.keys(p.seen.threads).length) + FIRST_PAGE_MARGIN,
    }));
  const listed = await listThreadPages(octokit, requests, settings.concurrency, tally);

  const missing: MissingPull[] = [...heads.missing, ...listed.missing];
  const missingKeys = new Set(missing.map(pullKey));
  const out: PullPoll[] = [];
  for (const pull of pulls) {
    const key = pullKey(pull);
    if (missingKeys.has(key)) continue;
    const listing = listed.listings.get(key);
    const { owner, repo, number, seen } = pull;
    if (listing !== undefined) {
      const { threads, gone, seenThreads } = classifyThreads(listing.threads, seen);
      const changed =
        threads.some((t) => t.kind !== "unchanged") ||
        gone.length > 0 ||
        (seen !== null && seen.state !== listing.state);
      out.push({
        owner,
        repo,
        number,
        state: listing.state,
        updatedAt: listing.updatedAt,
        changed,
        listedBecause: reasons.get(key) ?? null,
        threads,
        gone,
        seen: {
          state: listing.state,
          updatedAt: listing.updatedAt,
          readAt: listing.readAt,
          threads: seenThreads,
        },
      });
      continue;
    }
    const head: PullHead | undefined = heads.heads.get(key);
    if (head === undefined || seen === null) continue; // unreachable: every PR is headed or listed
    out.push({
      owner,
      repo,
      number,
      state: head.state,
      updatedAt: head.updatedAt,
      changed: false,
      listedBecause: null,
      threads: null,
      gone: [],
      seen,
    });
  }

  const nextRepos: Record<string, RepoSeen> = { ...repos };
  for (const [key, feed] of feeds) if (feed.etag !== null) nextRepos[key] = { etag: feed.etag };
  return {
    pulls: out,
    missing,
    repos: nextRepos,
    graphqlCalls: tally.graphqlCalls,
    graphqlPoints: tally.graphqlPoints,
    restCalls: tally.restCalls,
    rateLimit: tally.rateLimit,
  };
}

function mustList(pull: TrackedPull, settings: PollSettings): ListReason | null {
  const seen = pull.seen;
  if (seen === null) return "never-listed";
  if (pull.relist === true) return "asked";
  const readAt = Date.parse(seen.readAt);
  if (!(Date.parse(seen.updatedAt) < readAt)) return "unsettled";
  const dueAt = readAt + settings.sweepAfterMs * (1 + 0.5 * spread(pullKey(pull)));
  if (settings.now() >= dueAt) return "sweep";
  return null;
}

/** Each repository's comment feed read back to its oldest tracked listing, at once. */
async function readFeeds(
  octokit: ReviewThreadsOctokit,
  watched: readonly TrackedPull[],
  repos: Readonly<Record<string, RepoSeen>>,
  concurrency: number,
  tally: CallTally,
): Promise<Map<string, CommentActivity>> {
  const oldest = new Map<string, { owner: string; repo: string; since: string }>();
  for (const pull of watched) {
    if (pull.seen === null) continue;
    const key = repoKey(pull);
    const known = oldest.get(key);
    if (known === undefined || Date.parse(pull.seen.readAt) < Date.parse(known.since)) {
      oldest.set(key, { owner: pull.owner, repo: pull.repo, since: pull.seen.readAt });
    }
  }
  const entries = [...oldest.entries()];
  const answers = await mapConcurrent(entries, concurrency, ([key, r]) =>
    commentActivity(octokit, r, repos[key]?.etag, r.since, tally),
  );
  return new Map(entries.map(([key], i) => [key, answers[i] as CommentActivity]));
}

/** A stable number in [0, 1) per PR (FNV-1a), so sweeps spread out instead of bunching. */
function spread(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

function uniqueByKey(pulls: readonly TrackedPull[]): TrackedPull[] {
  const seen = new Set<string>();
  return pulls.filter((p) => {
    const key = pullKey(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
