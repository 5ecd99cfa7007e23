import { z } from "zod";
import { TASK_STATUSES } from "../../spec/task.js";
import { runStates } from "../run.js";

/**
 * The compact run record hidden in the status comment (version 2). Keys are one or two letters
 * and tasks point at groups and dependencies by position, because the whole must fit in a
 * GitHub comment beside the visible part for runs of up to 1,000 tasks. Anyone with write access
 * can edit the comment, so what is read back is checked like any other input.
 *
 * Times are whole seconds from the run's `createdAt`.
 */
export const metadataSchema = z.object({
  v: z.literal(2),
  /** how much task detail there was room for; see `MetadataDetail` */
  d: z.enum(["full", "short", "structure", "tasks-dropped", "groups-dropped"]),
  o: z.string(),
  r: z.string(),
  n: z.number().int().positive(),
  in: z.number().int(),
  s: z.enum(runStates),
  re: z.string().nullable(),
  c: z.number().int().nullable(),
  by: z.string(),
  sb: z.string().optional(),
  og: z.string(),
  ca: z.string(),
  ua: z.string(),
  q: z.array(z.string()),
  e: z.array(z.string()),
  aw: z.boolean(),
  g: z.array(
    z.object({
      n: z.string(),
      b: z.string(),
      p: z.number().int().nullable(),
      /** owner and name of the fork the branch lives in (an adopted PR from a fork) */
      hr: z.tuple([z.string(), z.string()]).optional(),
      no: z.string().optional(),
      /** open, resolved, ignored */
      th: z.tuple([z.number().int(), z.number().int(), z.number().int()]).optional(),
    }),
  ),
  t: z.array(
    z.object({
      i: z.string(),
      /** index into `g`, or the name of a group the run has no record of */
      g: z.union([z.number().int().nonnegative(), z.string()]),
      /** indexes into `t`, or ids that are not tasks of the run */
      d: z.array(z.union([z.number().int().nonnegative(), z.string()])),
      t: z.string(),
      s: z.enum(TASK_STATUSES),
      k: z.enum(["review-thread", "catch-up", "conflict", "ci-fix"]).optional(),
      a: z.number().int().nonnegative(),
      p: z.number().int(),
      b: z.string().optional(),
      c: z.string().optional(),
      r: z.string().optional(),
      st: z.number().int().optional(),
      ft: z.number().int().optional(),
      du: z.number().int().nonnegative().optional(),
      /** the last attempt's model */
      m: z.string().optional(),
      /** usage: tokens in, out, dollars known, attempts of unknown cost */
      u: z
        .object({
          i: z.number().nonnegative(),
          o: z.number().nonnegative(),
          c: z.number().nonnegative().optional(),
          n: z.number().int().nonnegative().optional(),
        })
        .optional(),
    }),
  ),
});
