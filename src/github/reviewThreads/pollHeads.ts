import { z } from "zod";
import { aliasMisses } from "./aliasMisses.js";
import type { CallTally } from "./callTally.js";
import { PULL_HEAD_BATCH_SIZES, PULL_HEADS_DOCUMENTS } from "./documents/pullHeadsDocuments.js";
import { graphqlCall } from "./graphqlCall.js";
import { mapConcurrent } from "./mapConcurrent.js";
import { type PullRef, pullKey } from "./pullRef.js";
import { pullStateSchema } from "./pullStateSchema.js";
import { ReviewThreadsError } from "./reviewThreadsError.js";
import type { MissingPull, PullState, ReviewThreadsOctokit } from "./types.js";

export interface PullHead {
  state: PullState;
  updatedAt: string;
}

const aliasSchema = z
  .object({
    pullRequest: z.object({ updatedAt: z.string(), state: pullStateSchema }).nullable(),
  })
  .nullable();

const LARGEST = PULL_HEAD_BATCH_SIZES[PULL_HEAD_BATCH_SIZES.length - 1] ?? 1;

/** The smallest fixed batch size that holds `count` pull requests. */
function batchSize(count: number): number {
  return PULL_HEAD_BATCH_SIZES.find((size) => size >= count) ?? LARGEST;
}

/**
 * updatedAt and state of every pull request, up to 250 per call at 1 point per call (see
 * pullHeadsDocuments). Keys are pullKey(ref).
 */
export async function pollHeads(
  octokit: ReviewThreadsOctokit,
  pulls: readonly PullRef[],
  concurrency: number,
  tally: CallTally,
): Promise<{ heads: Map<string, PullHead>; missing: MissingPull[] }> {
  const chunks: PullRef[][] = [];
  for (let i = 0; i < pulls.length; i += LARGEST) chunks.push(pulls.slice(i, i + LARGEST));
  const heads = new Map<string, PullHead>();
  const missing: MissingPull[] = [];
  await mapConcurrent(chunks, concurrency, async (chunk) => {
    const size = batchSize(chunk.length);
    const variables: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      // padding repeats the last PR: a lookup without connections costs nothing
      const pull = chunk[Math.min(i, chunk.length - 1)] as PullRef;
      variables[`o${i}`] = pull.owner;
      variables[`r${i}`] = pull.repo;
      variables[`n${i}`] = pull.number;
    }
    const answer = await graphqlCall(octokit, PULL_HEADS_DOCUMENTS[size] as string, variables);
    tally.recordGraphql(answer);
    const misses = aliasMisses(answer.errors);
    chunk.forEach((pull, i) => {
      const alias = `p${i}`;
      const parsed = aliasSchema.safeParse(answer.data[alias]);
      if (!parsed.success) {
        throw new ReviewThreadsError(
          "UNEXPECTED_RESPONSE",
          `GitHub's answer for ${pullKey(pull)} does not have the shape PullHeads asks for: ${z.prettifyError(parsed.error)}`,
        );
      }
      const found = parsed.data?.pullRequest;
      if (found) heads.set(pullKey(pull), found);
      else {
        const message = misses.get(alias) ?? "GitHub returned no pull request";
        missing.push({ owner: pull.owner, repo: pull.repo, number: pull.number, message });
      }
    });
  });
  return { heads, missing };
}
