import type { GraphQLResolveInfo } from "graphql";
import type { SandboxPull, SandboxRepo } from "../state.js";
import { type ConnectionArgs, connection } from "./connection.js";
import { GithubError } from "./githubError.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";
import { issueNode } from "./issueNode.js";
import { pullRequestNode, pullRequestState } from "./pullRequestNode.js";

interface PullRequestsArgs extends ConnectionArgs {
  states?: string[] | null;
  labels?: string[] | null;
  headRefName?: string | null;
  baseRefName?: string | null;
  orderBy?: { field: string; direction: string } | null;
}

function ownerNode(ctx: GraphqlContext, repo: SandboxRepo) {
  const user = ctx.state.users.get(repo.owner);
  const type = user?.type === "User" ? "User" : "Organization";
  return {
    __typename: type,
    id: user?.nodeId ?? `O_${Buffer.from(`sandbox:O:${repo.owner}`).toString("base64url")}`,
    login: repo.owner,
    url: htmlUrl(ctx.state, repo.owner),
    resourcePath: `/${repo.owner}`,
  };
}

/** GitHub's default order for a repository's pull requests is creation, oldest first. */
function orderedPulls(repo: SandboxRepo, args: PullRequestsArgs): SandboxPull[] {
  const states = args.states ?? null;
  const labels = args.labels ?? null;
  let pulls = [...repo.pulls.values()].filter(
    (pull) =>
      (states === null || states.includes(pullRequestState(pull))) &&
      (args.headRefName == null || pull.head === args.headRefName) &&
      (args.baseRefName == null || pull.base === args.baseRefName) &&
      (labels === null ||
        (repo.issues.get(pull.number)?.labels ?? []).some((l) => labels.includes(l))),
  );
  const field = args.orderBy?.field ?? "CREATED_AT";
  pulls =
    field === "UPDATED_AT"
      ? pulls.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.number - b.number)
      : pulls.sort((a, b) => a.number - b.number);
  if (args.orderBy?.direction === "DESC") pulls.reverse();
  return pulls;
}

export function repositoryNode(ctx: GraphqlContext, repo: SandboxRepo) {
  const nameWithOwner = `${repo.owner}/${repo.name}`;
  return {
    __typename: "Repository",
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner,
    url: htmlUrl(ctx.state, nameWithOwner),
    resourcePath: `/${nameWithOwner}`,
    isPrivate: repo.private,
    owner: () => ownerNode(ctx, repo),
    defaultBranchRef: {
      __typename: "Ref",
      id: `REF_${Buffer.from(`sandbox:REF:${nameWithOwner}:${repo.defaultBranch}`).toString("base64url")}`,
      name: repo.defaultBranch,
      prefix: "refs/heads/",
    },
    pullRequest: ({ number }: { number: number }) => {
      const pull = repo.pulls.get(number);
      if (pull === undefined) {
        throw new GithubError(
          "NOT_FOUND",
          `Could not resolve to a PullRequest with the number of ${number}.`,
        );
      }
      return pullRequestNode(ctx, repo, pull);
    },
    pullRequests: (args: PullRequestsArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      connection(
        orderedPulls(repo, args),
        (pull) => String(pull.number),
        (pull) => pullRequestNode(ctx, repo, pull),
        args,
        info,
      ),
    issue: ({ number }: { number: number }) => {
      const issue = repo.issues.get(number);
      if (issue === undefined || issue.isPull) {
        throw new GithubError(
          "NOT_FOUND",
          `Could not resolve to an Issue with the number of ${number}.`,
        );
      }
      return issueNode(ctx, repo, issue);
    },
  };
}
