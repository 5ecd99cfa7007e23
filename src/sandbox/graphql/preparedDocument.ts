import { type DocumentNode, GraphQLError, parse, validate } from "graphql";
import type { GithubErrorJson } from "./githubError.js";
import { githubSchema } from "./githubSchema.js";
import { githubSyntaxError, githubValidationErrors } from "./githubValidationErrors.js";

export type PreparedDocument =
  | { ok: true; document: DocumentNode }
  | { ok: false; errors: GithubErrorJson[] };

// Pollers send the same few documents over and over with different variables: parsing and
// validating against a schema of ~1,000 types is the expensive part, so it is done once per text.
const MAX_ENTRIES = 500;
const cache = new Map<string, PreparedDocument>();

/** Parses and validates a query against GitHub's schema, cached by its exact text. */
export function preparedDocument(query: string): PreparedDocument {
  const hit = cache.get(query);
  if (hit !== undefined) return hit;
  const prepared = prepare(query);
  if (cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(query, prepared);
  return prepared;
}

function prepare(query: string): PreparedDocument {
  const schema = githubSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, errors: [githubSyntaxError(error)] };
    throw error;
  }
  const errors = validate(schema, document);
  if (errors.length > 0)
    return { ok: false, errors: githubValidationErrors(schema, document, errors) };
  return { ok: true, document };
}
