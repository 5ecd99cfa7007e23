import type { GraphQLError } from "graphql";

/** One entry of a GitHub GraphQL `errors` array, keys as GitHub sends them. */
export interface GithubErrorJson {
  type?: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  message: string;
}

/**
 * An error a resolver throws to answer like GitHub: GitHub puts a machine-readable `type`
 * (NOT_FOUND, EXCESSIVE_PAGINATION, ...) at the top level of the error, not in `extensions`,
 * so graphql-js's own formatting would lose it.
 */
export class GithubError extends Error {
  readonly type: string | undefined;

  constructor(type: string | undefined, message: string) {
    super(message);
    this.name = "GithubError";
    this.type = type;
  }
}

/** Formats an execution error (a resolver's, or graphql-js's own) the way GitHub does. */
export function formatExecutionError(error: GraphQLError): GithubErrorJson {
  const original = error.originalError;
  const json: GithubErrorJson = { message: error.message };
  if (original instanceof GithubError && original.type !== undefined) json.type = original.type;
  if (error.path !== undefined) json.path = error.path;
  if (error.locations !== undefined) json.locations = error.locations;
  return json;
}
