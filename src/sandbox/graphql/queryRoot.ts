import { GithubError } from "./githubError.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { findNode, nodeView, unresolvableNodeMessage, visibleRepos } from "./nodeLookup.js";
import { repositoryNode } from "./repositoryNode.js";

/** The Query fields the sandbox serves; any other field of GitHub's Query is reported as unserved. */
export function queryRoot(ctx: GraphqlContext) {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      // GitHub matches owner and name without regard to case.
      const wanted = `${owner}/${name}`.toLowerCase();
      const repo =
        ctx.state.repos.get(`${owner}/${name}`) ??
        visibleRepos(ctx).find((r) => `${r.owner}/${r.name}`.toLowerCase() === wanted);
      if (repo === undefined || repo.installationId !== ctx.installationId) {
        throw new GithubError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return repositoryNode(ctx, repo);
    },
    node: ({ id }: { id: string }) => {
      const found = findNode(ctx, id);
      if (found === null) throw new GithubError("NOT_FOUND", unresolvableNodeMessage(id));
      return nodeView(ctx, found);
    },
    // An Error in a list becomes that item's null plus an error whose path ends in its index.
    nodes: ({ ids }: { ids: string[] }) =>
      ids.map((id) => {
        const found = findNode(ctx, id);
        return found === null
          ? new GithubError("NOT_FOUND", unresolvableNodeMessage(id))
          : nodeView(ctx, found);
      }),
    rateLimit: () => ({
      __typename: "RateLimit",
      cost: ctx.cost.points,
      limit: ctx.rateLimit.limit,
      remaining: ctx.rateLimit.remaining,
      used: ctx.rateLimit.used,
      resetAt: githubTime(ctx.rateLimit.resetAt),
      nodeCount: ctx.cost.nodes,
    }),
  };
}
