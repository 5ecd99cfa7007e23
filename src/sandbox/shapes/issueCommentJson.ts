import type { SandboxIssueComment, SandboxRepo, SandboxState } from "../state.js";
import { authorAssociation } from "./authorAssociation.js";
import { reactionRollup } from "./reactionRollup.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

/** GitHub's `issue-comment` object. */
export function issueCommentJson(
  state: SandboxState,
  repo: SandboxRepo,
  comment: SandboxIssueComment,
) {
  const { api, html } = repoUrls(state, repo);
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.isPull ? "pull" : "issues";
  const url = `${api}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url,
    html_url: `${html}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(state, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    performed_via_github_app: null,
    reactions: reactionRollup(repo, `comment:${comment.id}`, `${url}/reactions`),
  };
}
