import { z } from "zod";

/**
 * Task ids end up in job ids, Redis keys, commit messages and `/orchestrate retry <id>`, so they
 * are restricted to a shell- and URL-safe alphabet. The first character is a letter or digit so
 * an id can never be mistaken for a command-line flag or a hidden file.
 */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The statuses a task moves through; the plan diagram has one colour per status. */
export const TASK_STATUSES = [
  "pending",
  "ready",
  "in_progress",
  "needs-input",
  "complete",
  "failed",
  "cancelled",
] as const;

export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/**
 * A model or reasoning effort as a task names it; it becomes one word of the agent's argv, so it
 * cannot start with "-" (it would read as a flag) and holds no spaces or quotes.
 */
export const MODEL_WORD_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;
export const MAX_MODEL_WORD = 100;

/** Highest number of backends a single task may be raced on. */
export const MAX_RACE = 5;

/**
 * A validated task as the rest of the app sees it (after parseSpec or the planner). Use this
 * schema when reading a task back from storage; spec text goes through parseSpec instead, which
 * produces errors a person can act on rather than zod's.
 */
export const taskSchema = z.strictObject({
  id: z.string().regex(TASK_ID_PATTERN),
  group: z.string().min(1),
  depends_on: z.array(z.string()),
  title: z.string().min(1),
  description: z.string(),
  verify: z.string().min(1).optional(),
  backend: z.string().min(1).optional(),
  model: z.string().regex(MODEL_WORD_PATTERN).max(MAX_MODEL_WORD).optional(),
  effort: z.string().regex(MODEL_WORD_PATTERN).max(MAX_MODEL_WORD).optional(),
  race: z.number().int().min(1).max(MAX_RACE).optional(),
  priority: z.number().int().min(0).optional(),
});

export type Task = z.infer<typeof taskSchema>;
