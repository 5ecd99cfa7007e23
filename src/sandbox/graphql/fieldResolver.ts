import type { GraphQLFieldResolver } from "graphql";
import { GithubError } from "./githubError.js";
import type { GraphqlContext } from "./graphqlContext.js";

/**
 * Resolves a field from the view object the parent resolved to: a property, or a function
 * called with (args, context, info). GitHub's schema has ~20,000 fields and the sandbox serves
 * the few Orchestrate uses; asking for another one is an error recorded as a fidelity failure,
 * so a test shows the gap instead of a silent null.
 */
export const sandboxFieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (
  source,
  args,
  ctx,
  info,
) => {
  if (source === null || typeof source !== "object") return null;
  const record = source as Record<string, unknown>;
  // `in` sees a view's getters and methods; Object's own members (toString...) are not fields.
  if (!(info.fieldName in record) || info.fieldName in Object.prototype) {
    const field = `${info.parentType.name}.${info.fieldName}`;
    const reason = `GraphQL field ${field} is valid on GitHub but the sandbox does not serve it`;
    if (!ctx.state.fidelityFailures.some((f) => f.reason === reason)) {
      ctx.state.fidelityFailures.push({ method: "POST", path: "/graphql", reason });
    }
    throw new GithubError("SANDBOX_UNSUPPORTED", `The sandbox does not serve ${field}.`);
  }
  const value = record[info.fieldName];
  return typeof value === "function" ? value.call(source, args, ctx, info) : value;
};
