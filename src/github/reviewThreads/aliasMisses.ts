import { type GraphqlErrorEntry, rejectOtherErrors } from "./graphqlCall.js";

/** Error types that mean "this PR is not there for you", not "the call went wrong". */
const GONE_TYPES = new Set(["NOT_FOUND", "FORBIDDEN"]);

/**
 * The aliases whose pull request (or repository) GitHub could not resolve, with its message.
 * A batch must not fail because one PR was deleted or its repository left the installation;
 * any other error fails the call.
 */
export function aliasMisses(errors: GraphqlErrorEntry[]): Map<string, string> {
  const misses = new Map<string, string>();
  const isMiss = (error: GraphqlErrorEntry) =>
    GONE_TYPES.has(error.type ?? "") && typeof error.path?.[0] === "string";
  rejectOtherErrors(errors, isMiss);
  for (const error of errors) {
    const alias = error.path?.[0];
    if (typeof alias === "string" && !misses.has(alias)) misses.set(alias, error.message);
  }
  return misses;
}
