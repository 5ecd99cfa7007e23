import { z } from "zod";
import { pullSeenSchema } from "../github/reviewThreads.js";
import type { TrackedPullRecord } from "./reviewStore.js";

/**
 * A followed PR as the review store keeps it, checked when read back. What the last listing
 * saw is only a cache: when it no longer parses it is dropped (`seen: null` lists the PR once
 * more) rather than failing the record.
 */
export const trackedPullSchema = z
  .object({
    owner: z.string().min(1),
    repo: z.string().min(1),
    number: z.number().int().positive(),
    installationId: z.number().int().positive(),
    runKey: z.string().min(1),
    group: z.string().min(1),
    seen: z.unknown(),
    handled: z.record(z.string(), z.number().int().nonnegative()),
    ignored: z.array(z.string()),
    lastActivityAt: z.string(),
    lastPushAt: z.string().nullable(),
    polled: z.boolean(),
  })
  .transform((r): TrackedPullRecord => {
    const seen = pullSeenSchema.safeParse(r.seen);
    return { ...r, seen: seen.success ? seen.data : null };
  });
