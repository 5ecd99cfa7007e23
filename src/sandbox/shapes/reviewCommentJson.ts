import type { SandboxRepo, SandboxReviewComment, SandboxState } from "../state.js";
import { authorAssociation } from "./authorAssociation.js";
import { reactionRollup } from "./reactionRollup.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

/** GitHub's `pull-request-review-comment` object. */
export function reviewCommentJson(
  state: SandboxState,
  repo: SandboxRepo,
  comment: SandboxReviewComment,
) {
  const { api, html } = repoUrls(state, repo);
  const url = `${api}/pulls/comments/${comment.id}`;
  const htmlUrl = `${html}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  const pullUrl = `${api}/pulls/${comment.pullNumber}`;
  const thread = repo.threads.get(comment.threadId);
  const pull = repo.pulls.get(comment.pullNumber);
  const outdated = thread?.isOutdated ?? false;
  // Like GitHub: a current comment follows the head commit, an outdated one stays where it was.
  const commitId = outdated ? comment.commitId : (pull?.headSha ?? comment.commitId);
  const originalLine = comment.originalLine ?? comment.line;
  return {
    url,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: comment.nodeId,
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: outdated ? null : 1,
    original_position: 1,
    commit_id: commitId,
    original_commit_id: comment.commitId,
    ...(comment.inReplyToId !== null ? { in_reply_to_id: comment.inReplyToId } : {}),
    user: userJson(state, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: authorAssociation(repo, comment.user),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      pull_request: { href: pullUrl },
    },
    reactions: reactionRollup(repo, `review-comment:${comment.id}`, `${url}/reactions`),
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: outdated ? null : comment.line,
    original_line: originalLine,
    side: comment.side ?? "RIGHT",
    subject_type: "line",
  };
}
