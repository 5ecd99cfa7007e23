import type { SandboxRepo, SandboxReview, SandboxState } from "../state.js";
import { authorAssociation } from "./authorAssociation.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

/** GitHub's `pull-request-review` object. */
export function reviewJson(state: SandboxState, repo: SandboxRepo, review: SandboxReview) {
  const { api, html } = repoUrls(state, repo);
  const htmlUrl = `${html}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const pullUrl = `${api}/pulls/${review.pullNumber}`;
  const pull = repo.pulls.get(review.pullNumber);
  return {
    id: review.id,
    node_id: review.nodeId,
    user: userJson(state, review.user),
    body: review.body,
    state: review.state,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: authorAssociation(repo, review.user),
    _links: { html: { href: htmlUrl }, pull_request: { href: pullUrl } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId ?? pull?.headSha ?? null,
  };
}
