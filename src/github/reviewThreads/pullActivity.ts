import { z } from "zod";
import type { CallTally } from "./callTally.js";
import { readUpdatedList } from "./readUpdatedList.js";
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
// listed. Past readUpdatedList's pages of fresh updates the caller falls back to asking GraphQL.

const pullSchema = z.object({
  number: z.number().int(),
  updated_at: z.string(),
  state: z.enum(["open", "closed"]),
  merged_at: z.string().nullable(),
});

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
  const list = await readUpdatedList(
    octokit,
    {
      route: "GET /repos/{owner}/{repo}/pulls",
      params: { state: "all" },
      item: pullSchema,
      what: "pull requests",
    },
    repo,
    etag,
    since,
    tally,
  );
  const heads = new Map<number, PullHeadSeen>();
  for (const pull of list.items) {
    const state: PullState =
      pull.state === "open" ? "OPEN" : pull.merged_at !== null ? "MERGED" : "CLOSED";
    // a PR updated while we paged shows twice: the first (newest) reading wins
    if (!heads.has(pull.number)) heads.set(pull.number, { state, updatedAt: pull.updated_at });
  }
  return { notModified: list.notModified, etag: list.etag, heads, overflow: list.overflow };
}
