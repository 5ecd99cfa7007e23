import { performance } from "node:perf_hooks";
import { z } from "zod";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { ReviewThreadsOctokit } from "./types.js";

export interface GraphqlErrorEntry {
  type?: string | undefined;
  path?: Array<string | number> | undefined;
  message: string;
}

export interface GraphqlAnswer {
  data: Record<string, unknown>;
  errors: GraphqlErrorEntry[];
  /** GitHub's Date header (whole seconds), or null when the answer carried none */
  serverDate: string | null;
  roundTripMs: number;
}

const answerSchema = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z
    .array(
      z.object({
        type: z.string().optional(),
        path: z.array(z.union([z.string(), z.number()])).optional(),
        message: z.string(),
      }),
    )
    .optional(),
});

const GHES_V3_SUFFIX = /\/api\/v3\/?$/;

/**
 * One POST to GitHub's GraphQL endpoint through `octokit.request` rather than `octokit.graphql`:
 * the poll needs the Date header (its only clock, see PullSeen.readAt) and the partial data that
 * comes with per-alias errors, which `octokit.graphql` turns into a throw. The endpoint is found
 * the way @octokit/graphql finds it, so GitHub Enterprise's `/api/v3` base works too. Errors
 * are returned for the caller to judge; only an answer with no data at all throws.
 */
export async function graphqlCall(
  octokit: ReviewThreadsOctokit,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphqlAnswer> {
  const baseUrl = octokit.request.endpoint.DEFAULTS.baseUrl;
  const url = GHES_V3_SUFFIX.test(baseUrl)
    ? baseUrl.replace(GHES_V3_SUFFIX, "/api/graphql")
    : "/graphql";
  const started = performance.now();
  const response = await octokit.request(`POST ${url}`, { query, variables });
  const roundTripMs = performance.now() - started;
  const parsed = answerSchema.safeParse(response.data);
  if (!parsed.success) {
    throw new ReviewThreadsError(
      "UNEXPECTED_RESPONSE",
      `GitHub's GraphQL endpoint answered something that is not a GraphQL response: ${z.prettifyError(parsed.error)}`,
    );
  }
  const errors = parsed.data.errors ?? [];
  const data = parsed.data.data;
  if (data === null || data === undefined) {
    throw new ReviewThreadsError(
      "GRAPHQL_ERRORS",
      `GitHub refused the GraphQL call: ${errors.map((e) => e.message).join("; ") || "no data"}`,
    );
  }
  const date = response.headers["date"];
  return { data, errors, serverDate: typeof date === "string" ? date : null, roundTripMs };
}

/** Throws unless every error is one the caller chose to handle (by its alias). */
export function rejectOtherErrors(
  errors: GraphqlErrorEntry[],
  handled: (error: GraphqlErrorEntry) => boolean,
): void {
  const other = errors.filter((e) => !handled(e));
  if (other.length > 0) {
    throw new ReviewThreadsError(
      "GRAPHQL_ERRORS",
      `GitHub answered the GraphQL call with errors: ${other.map((e) => `${e.type ?? "ERROR"} ${e.message}`).join("; ")}`,
    );
  }
}
