import { z } from "zod";
import type { CallTally } from "./callTally.js";
import { errorStatus } from "./errorStatus.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
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

const PER_PAGE = 100;
/** Past this many pages of fresh comments, every tracked PR of the repository is listed instead. */
const MAX_PAGES = 3;

const commentsSchema = z.array(z.object({ updated_at: z.string(), pull_request_url: z.string() }));

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
  const newestByPull = new Map<number, string>();
  const sinceMs = Date.parse(since);
  let firstEtag: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    let response: Awaited<ReturnType<ReviewThreadsOctokit["request"]>>;
    tally.restCalls += 1;
    try {
      response = await octokit.request("GET /repos/{owner}/{repo}/pulls/comments", {
        owner: repo.owner,
        repo: repo.repo,
        sort: "updated",
        direction: "desc",
        per_page: PER_PAGE,
        page,
        ...(page === 1 && etag !== undefined ? { headers: { "if-none-match": etag } } : {}),
      });
    } catch (error) {
      if (page === 1 && errorStatus(error) === 304) {
        tally.restNotModified += 1;
        return { notModified: true, etag: etag ?? null, newestByPull, overflow: false };
      }
      throw error;
    }
    if (page === 1) {
      const header = response.headers["etag"];
      firstEtag = typeof header === "string" ? header : null;
    }
    const parsed = commentsSchema.safeParse(response.data);
    if (!parsed.success) {
      throw new ReviewThreadsError(
        "UNEXPECTED_RESPONSE",
        `GitHub's review comments of ${repo.owner}/${repo.repo} are not a list of comments: ${z.prettifyError(parsed.error)}`,
      );
    }
    let reachedOlder = false;
    for (const comment of parsed.data) {
      if (Date.parse(comment.updated_at) < sinceMs) {
        reachedOlder = true;
        break;
      }
      const number = Number(comment.pull_request_url.match(/\/pulls\/(\d+)$/)?.[1]);
      if (!Number.isInteger(number)) continue;
      const known = newestByPull.get(number);
      if (known === undefined || Date.parse(known) < Date.parse(comment.updated_at)) {
        newestByPull.set(number, comment.updated_at);
      }
    }
    if (reachedOlder || parsed.data.length < PER_PAGE) {
      return { notModified: false, etag: firstEtag, newestByPull, overflow: false };
    }
  }
  return { notModified: false, etag: firstEtag, newestByPull, overflow: true };
}
