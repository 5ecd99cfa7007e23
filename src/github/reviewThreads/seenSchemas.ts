import { z } from "zod";
import { pullStateSchema } from "./pullStateSchema.js";
import type { PullSeen, RepoSeen } from "./types.js";

// For the caller reading `seen` back from Redis (zod at every border): a stored value that no
// longer parses should be dropped and the PR tracked with `seen: null`, which lists it once.

export const pullSeenSchema: z.ZodType<PullSeen> = z.object({
  state: pullStateSchema,
  updatedAt: z.string(),
  readAt: z.string(),
  threads: z.record(
    z.string(),
    z.object({
      isResolved: z.boolean(),
      isOutdated: z.boolean(),
      commentCount: z.number().int().nonnegative(),
    }),
  ),
});

export const repoSeenSchema: z.ZodType<RepoSeen> = z.object({
  etag: z.string().optional(),
  pullsEtag: z.string().optional(),
});
