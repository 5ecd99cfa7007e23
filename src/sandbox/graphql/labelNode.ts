import type { GraphQLResolveInfo } from "graphql";
import type { SandboxRepo } from "../state.js";
import { type ConnectionArgs, connection } from "./connection.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";

export function labelNode(ctx: GraphqlContext, repo: SandboxRepo, name: string) {
  const label = repo.labels.get(name);
  return {
    __typename: "Label",
    id: `LA_${Buffer.from(`sandbox:LA:${label?.id ?? name}`).toString("base64url")}`,
    name,
    color: label?.color ?? "ededed",
    url: htmlUrl(ctx.state, `${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`),
  };
}

/** An issue's or PR's labels (stored as names) as GitHub's LabelConnection. */
export function labelsConnection(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  names: readonly string[],
  args: ConnectionArgs,
  info: GraphQLResolveInfo,
) {
  return connection(
    names,
    (name) => name,
    (name) => labelNode(ctx, repo, name),
    args,
    info,
  );
}
