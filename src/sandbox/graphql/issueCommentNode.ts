import type { SandboxIssueComment, SandboxRepo } from "../state.js";
import { actorNode } from "./actorNode.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";
import { repositoryNode } from "./repositoryNode.js";

export function issueCommentNode(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  comment: SandboxIssueComment,
) {
  const kind = repo.issues.get(comment.issueNumber)?.isPull ? "pull" : "issues";
  const path = `${repo.owner}/${repo.name}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`;
  return {
    __typename: "IssueComment",
    id: comment.nodeId,
    databaseId: comment.id,
    fullDatabaseId: String(comment.id),
    body: comment.body,
    bodyText: comment.body,
    author: () => actorNode(ctx, comment.user),
    createdAt: githubTime(comment.createdAt),
    updatedAt: githubTime(comment.updatedAt),
    url: htmlUrl(ctx.state, path),
    resourcePath: `/${path}`,
    isMinimized: false,
    repository: () => repositoryNode(ctx, repo),
  };
}
