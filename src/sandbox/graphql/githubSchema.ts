import { schema as published } from "@octokit/graphql-schema";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { paginationErrors } from "./paginationErrors.js";
import { preparedDocument } from "./preparedDocument.js";

let built: GraphQLSchema | undefined;

/**
 * GitHub's public GraphQL schema, built once from the introspection result that
 * @octokit/graphql-schema publishes. (Its SDL form does not build: a field is defined twice.)
 */
export function githubSchema(): GraphQLSchema {
  built ??= buildClientSchema(published.json as unknown as IntrospectionQuery);
  return built;
}

/**
 * GitHub's objections to a document, as the messages GitHub would answer with, or [] when
 * GitHub would run it. Besides schema validation this applies the pagination rules GitHub
 * enforces on every call that can be judged without variables: a connection whose items are
 * selected needs `first` or `last`, and a literal `first`/`last` must be at most 100.
 */
export function validateGithubDocument(query: string): string[] {
  const prepared = preparedDocument(query);
  if (!prepared.ok) return prepared.errors.map((e) => e.message);
  return paginationErrors(prepared.document).map((e) => e.message);
}
