import { CallTally } from "./callTally.js";
import { classifyThreads } from "./classifyThreads.js";
import { commentActivity } from "./commentActivity.js";
import { type ListRequest, listThreadPages } from "./listThreadPages.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { pollHeads } from "./pollHeads.js";
import { pullActivity } from "./pullActivity.js";
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

// How a poll finds thread changes on many PRs for no GraphQL point when nothing changed.
//
// GitHub charges a call by its connections: each costs the product of the `first`s above it,
// summed, /100, minimum 1 point. Listing threads with their comment counts costs 1 + first
// requests per PR (the nested count is charged per thread), so `reviewThreads(first: 100)
// { nodes { comments { totalCount } } }` is a point per PR, and every cycle over 1,000 PRs
// would be 1,000 points (the naive loop the bench measures). Listing threads without counts
// is 1 request per PR (0.01 point) but cannot see a reply. So threads are listed only when
// something points at a change, and the pointing is done by REST requests that are free when
// nothing changed (a conditional request answered 304 counts against no rate limit):
//
//  1. PRs listed whatever GitHub says: never listed; asked for by a webhook (`relist`);
//     "unsettled" (last listed within the second of their updatedAt, so a change in that same
//     second would not move it); due for the safety sweep (a lost webhook).
//  2. For the rest, two requests per repository, at once, each with its last ETag:
//     - its pull requests, most recently updated first (pullActivity). 304: no PR of the
//       repository moved. 200: the PRs updated since the oldest listing are read, and those
//       whose updatedAt or state differs from their last listing are listed. Catches pushes
//       (outdated threads), closes, merges, reviews and whatever else GitHub counts as an
//       update. Past 3 pages of fresh updates, that repository's PRs are headed over GraphQL
//       instead (pollHeads: `updatedAt state` of 250 PRs per call, 1 point per call);
//     - its review comments, most recently updated first (commentActivity): a 200 names the
//       PRs with comments newer than their last listing. Catches new threads, replies and
//       edits even where updatedAt does not move (an edit), or moves within the second of the
//       last listing.
//     Not seen by either: a resolve or unresolve (it writes no comment, and GitHub does not
//     say it moves updatedAt) and a deleted comment. The `pull_request_review_thread` and
//     `pull_request_review_comment` webhooks (relist) and the sweep cover those. A review
//     without line comments opens no thread, so it cannot change what a listing finds; it
//     moves updatedAt all the same, so the pull list names it (and its `pull_request_review`
//     webhook relists it): no per-PR reviews request is needed.
//  3. One listing pass for the flagged PRs, each first page sized to the threads it had plus a
//     margin, so a PR with 3 threads costs 9 requests, not 101.
//  4. Each listed PR's threads classified against what was seen.
//
// Measured on the sandbox (bench/pollBench.ts, `npm run bench -- poll`), per 30 s cycle: a quiet
// cycle is 0 points at 10, 100, 1,000 and 10,000 PRs, its REST requests 2 per repository, all
// 304 (20 at 1,000 PRs in 10 repositories); with a reply in 1% of the PRs, 1 point at 1,000 and
// 10 at 10,000 (10 installations: one listing call each), their listing only. The naive loop
// spends a point per PR: 1,000 and 10,000.

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
  const since = oldestListing(watched);
  const [pullFeeds, commentFeeds] = await Promise.all([
    readRepos(since, settings.concurrency, (key, r) =>
      pullActivity(octokit, r, repos[key]?.pullsEtag, r.since, tally),
    ),
    readRepos(since, settings.concurrency, (key, r) =>
      commentActivity(octokit, r, repos[key]?.etag, r.since, tally),
    ),
  ]);
  // a repository with more fresh updates than the list was read for: its PRs headed over GraphQL
  const overflowed = watched.filter((p) => pullFeeds.get(repoKey(p))?.overflow === true);
  const heads = await pollHeads(octokit, overflowed, settings.concurrency, tally);
  for (const pull of watched) {
    const key = pullKey(pull);
    const seen = pull.seen;
    if (seen === null) continue;
    const feed = commentFeeds.get(repoKey(pull));
    const newest = feed?.newestByPull.get(pull.number);
    if (feed?.overflow || (newest !== undefined && Date.parse(newest) >= Date.parse(seen.readAt))) {
      reasons.set(key, "comments");
      continue;
    }
    const head = pullFeeds.get(repoKey(pull))?.heads.get(pull.number) ?? heads.heads.get(key);
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
    // not listed: unchanged since `seen` (a PR that moved would have been flagged above)
    if (seen === null) continue; // unreachable: a never-listed PR is listed or missing
    out.push({
      owner,
      repo,
      number,
      state: seen.state,
      updatedAt: seen.updatedAt,
      changed: false,
      listedBecause: null,
      threads: null,
      gone: [],
      seen,
    });
  }

  const nextRepos: Record<string, RepoSeen> = { ...repos };
  for (const key of new Set([...pullFeeds.keys(), ...commentFeeds.keys()])) {
    const next: RepoSeen = { ...repos[key] };
    const comments = commentFeeds.get(key)?.etag;
    const pullsEtag = pullFeeds.get(key)?.etag;
    if (comments != null) next.etag = comments;
    if (pullsEtag != null) next.pullsEtag = pullsEtag;
    nextRepos[key] = next;
  }
  return {
    pulls: out,
    missing,
    repos: nextRepos,
    graphqlCalls: tally.graphqlCalls,
    graphqlPoints: tally.graphqlPoints,
    restCalls: tally.restCalls,
    restNotModified: tally.restNotModified,
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

interface RepoSince {
  owner: string;
  repo: string;
  /** the oldest readAt of the repository's watched PRs: nothing older can be news to any */
  since: string;
}

/** Each repository of `watched`, keyed repoKey, with how far back its feeds must be read. */
function oldestListing(watched: readonly TrackedPull[]): Map<string, RepoSince> {
  const oldest = new Map<string, RepoSince>();
  for (const pull of watched) {
    if (pull.seen === null) continue;
    const key = repoKey(pull);
    const known = oldest.get(key);
    if (known === undefined || Date.parse(pull.seen.readAt) < Date.parse(known.since)) {
      oldest.set(key, { owner: pull.owner, repo: pull.repo, since: pull.seen.readAt });
    }
  }
  return oldest;
}

/** One feed read per repository, at most `concurrency` at once. */
async function readRepos<T>(
  repos: Map<string, RepoSince>,
  concurrency: number,
  read: (key: string, repo: RepoSince) => Promise<T>,
): Promise<Map<string, T>> {
  const entries = [...repos.entries()];
  const answers = await mapConcurrent(entries, concurrency, ([key, r]) => read(key, r));
  return new Map(entries.map(([key], i) => [key, answers[i] as T]));
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
