import type { GraphQLResolveInfo } from "graphql";
import type { SandboxIssue, SandboxRepo } from "../state.js";
import { actorNode } from "./actorNode.js";
import type { ConnectionArgs } from "./connection.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";
import { labelsConnection } from "./labelNode.js";
import { repositoryNode } from "./repositoryNode.js";

export function issueNode(ctx: GraphqlContext, repo: SandboxRepo, issue: SandboxIssue) {
  const path = `${repo.owner}/${repo.name}/issues/${issue.number}`;
  return {
    __typename: "Issue",
    id: issue.nodeId,
    databaseId: issue.id ?? null,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    url: htmlUrl(ctx.state, path),
    resourcePath: `/${path}`,
    state: issue.state === "open" ? "OPEN" : "CLOSED",
    closed: issue.state === "closed",
    createdAt: githubTime(issue.createdAt),
    updatedAt: githubTime(issue.updatedAt),
    closedAt: issue.closedAt ? githubTime(issue.closedAt) : null,
    author: () => actorNode(ctx, issue.user),
    repository: () => repositoryNode(ctx, repo),
    labels: (args: ConnectionArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      labelsConnection(ctx, repo, issue.labels, args, info),
  };
}
