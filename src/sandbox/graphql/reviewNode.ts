import type { SandboxRepo, SandboxReview } from "../state.js";
import { actorNode } from "./actorNode.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";

export function reviewNode(ctx: GraphqlContext, repo: SandboxRepo, review: SandboxReview) {
  const path = `${repo.owner}/${repo.name}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    __typename: "PullRequestReview",
    id: review.nodeId,
    databaseId: review.id,
    fullDatabaseId: String(review.id),
    body: review.body,
    state: review.state,
    author: () => actorNode(ctx, review.user),
    createdAt: githubTime(review.submittedAt),
    submittedAt: githubTime(review.submittedAt),
    url: htmlUrl(ctx.state, path),
    commit: review.commitId
      ? { __typename: "Commit", oid: review.commitId, abbreviatedOid: review.commitId.slice(0, 7) }
      : null,
    resourcePath: `/${path}`,
  };
}
