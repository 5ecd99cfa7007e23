import type { GraphqlErrorEntry } from "./graphqlCall.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";

/** Turns GitHub's refusal of a thread mutation into a typed error that names the thread. */
export function refuseThreadWrite(threadId: string, errors: GraphqlErrorEntry[]): never {
  const message = errors.map((e) => e.message).join("; ");
  const code = errors.some((e) => e.type === "NOT_FOUND") ? "THREAD_NOT_FOUND" : "GRAPHQL_ERRORS";
  throw new ReviewThreadsError(code, `GitHub refused the change to thread ${threadId}: ${message}`);
}
