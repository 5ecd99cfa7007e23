import { z } from "zod";
import type { CallTally } from "./callTally.js";
import { errorStatus } from "./errorStatus.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { PullState, ReviewThreadsOctokit } from "./types.js";

// The other free half of every poll: has any pull request of this repository changed?
//
// GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc lists the repository's PRs,
// most recently updated first. A change GitHub counts as an update (a push to the head, a close,
// merge or reopen, an edit of title or body, a review, a review comment, a comment on the
// conversation) moves the PR's updated_at and so brings it to the top of the first page: asked
// with that page's last ETag, the request is answered 304 when nothing moved, and a 304 costs no
// rate limit and no GraphQL point. When it is answered 200 (something in the repository moved;
// not necessarily a tracked PR), the PRs are read newest first back to `since`, and each names
// its updated_at and state: only the tracked PRs whose pair differs from their last listing are
// listed. Past MAX_PAGES pages of fresh updates the caller falls back to asking GraphQL.

const PER_PAGE = 100;
/** Past this many pages of PRs updated since `since`, the list is given up (`overflow`). */
const MAX_PAGES = 3;

const pullsSchema = z.array(
  z.object({
    number: z.number().int(),
    updated_at: z.string(),
    state: z.enum(["open", "closed"]),
    merged_at: z.string().nullable(),
  }),
);

export interface PullHeadSeen {
  state: PullState;
  updatedAt: string;
}

export interface PullActivity {
  /** the list is as it was at `etag` */
  notModified: boolean;
  etag: string | null;
  /** PR number → updatedAt and state, for the PRs read (every PR updated at or after `since`) */
  heads: Map<number, PullHeadSeen>;
  /** more PRs were updated since `since` than were read: the list says nothing about the rest */
  overflow: boolean;
}

/**
 * Reads a repository's pull requests, most recently updated first, back to `since` (GitHub's
 * clock), conditionally on `etag`. A 304 arrives as a thrown RequestError from Octokit.
 */
export async function pullActivity(
  octokit: ReviewThreadsOctokit,
  repo: { owner: string; repo: string },
  etag: string | undefined,
  since: string,
  tally: CallTally,
): Promise<PullActivity> {
  const heads = new Map<number, PullHeadSeen>();
  const sinceMs = Date.parse(since);
  let firstEtag: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    let response: Awaited<ReturnType<ReviewThreadsOctokit["request"]>>;
    tally.restCalls += 1;
    try {
      response = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
        owner: repo.owner,
        repo: repo.repo,
        state: "all",
        sort: "updated",
        direction: "desc",
        per_page: PER_PAGE,
        page,
        ...(page === 1 && etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
      });
    } catch (error) {
      if (page === 1 && errorStatus(error) === 304) {
        tally.restNotModified += 1;
        return { notModified: true, etag: etag ?? null, heads, overflow: false };
      }
      throw error;
    }
    if (page === 1) {
      const header = response.headers["etag"];
      firstEtag = typeof header === "string" ? header : null;
    }
    const parsed = pullsSchema.safeParse(response.data);
    if (!parsed.success) {
      throw new ReviewThreadsError(
        "UNEXPECTED_RESPONSE",
        `GitHub's pull requests of ${repo.owner}/${repo.repo} are not a list of pull requests: ${z.prettifyError(parsed.error)}`,
      );
    }
    let reachedOlder = false;
    for (const pull of parsed.data) {
      if (Date.parse(pull.updated_at) < sinceMs) {
        reachedOlder = true;
        break;
      }
      const state: PullState =
        pull.state === "open" ? "OPEN" : pull.merged_at !== null ? "MERGED" : "CLOSED";
      // a PR updated while we paged shows twice: the first (newest) reading wins
      if (!heads.has(pull.number)) heads.set(pull.number, { state, updatedAt: pull.updated_at });
    }
    if (reachedOlder || parsed.data.length < PER_PAGE) {
      return { notModified: false, etag: firstEtag, heads, overflow: false };
    }
  }
  return { notModified: false, etag: firstEtag, heads, overflow: true };
}
