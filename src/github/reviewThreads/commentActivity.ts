import { z } from "zod";
import type { CallTally } from "./callTally.js";
import { readUpdatedList } from "./readUpdatedList.js";
import type { ReviewThreadsOctokit } from "./types.js";

// The free half of every poll: has anyone written a review comment in this repository?
//
// GET /repos/{o}/{r}/pulls/comments?sort=updated&direction=desc lists the repository's review
// comments, newest activity first. Asked with the last answer's ETag it is answered 304 when
// nothing changed, and a 304 costs no rate limit at all (and no GraphQL point): a quiet
// repository costs one free request per cycle whatever the number of its tracked PRs. When it
// is answered 200, each comment names its PR and its updated_at, so only the PRs with a comment
// newer than their last listing are listed. This catches new threads, replies and edits even
// when the PR's updatedAt does not move, or moves within the second of the last listing.
// It cannot see a thread being resolved (no comment changes): webhooks and the sweep cover that.

const commentSchema = z.object({ updated_at: z.string(), pull_request_url: z.string() });

export interface CommentActivity {
  /** the feed is as it was at `etag` */
  notModified: boolean;
  etag: string | null;
  /** PR number → updated_at of its newest comment among those read */
  newestByPull: Map<number, string>;
  /** more comments changed since `since` than were read: treat every PR as touched */
  overflow: boolean;
}

/**
 * Reads a repository's review-comment feed back to `since` (GitHub's clock), conditionally on
 * `etag`. A 304 arrives as a thrown RequestError from Octokit; it is the common, free answer.
 */
export async function commentActivity(
  octokit: ReviewThreadsOctokit,
  repo: { owner: string; repo: string },
  etag: string | undefined,
  since: string,
  tally: CallTally,
): Promise<CommentActivity> {
  const list = await readUpdatedList(
    octokit,
    {
      route: "GET /repos/{owner}/{repo}/pulls/comments",
      item: commentSchema,
      what: "review comments",
    },
    repo,
    etag,
    since,
    tally,
  );
  const newestByPull = new Map<number, string>();
  for (const comment of list.items) {
    const number = Number(comment.pull_request_url.match(/\/pulls\/(\d+)$/)?.[1]);
    if (!Number.isInteger(number)) continue;
    const known = newestByPull.get(number);
    if (known === undefined || Date.parse(known) < Date.parse(comment.updated_at)) {
      newestByPull.set(number, comment.updated_at);
    }
  }
  return { notModified: list.notModified, etag: list.etag, newestByPull, overflow: list.overflow };
}
