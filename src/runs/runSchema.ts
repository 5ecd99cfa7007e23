import { z } from "zod";
import { repoConfigSchema } from "../config/repoConfigSchema.js";
import { TASK_STATUSES } from "../spec/task.js";
import { type RunRecord, runStates, type TaskRecord } from "./run.js";

// What a run store gives back is checked, not cast: a value written by another version, edited
// by hand or cut short is reported with its key instead of steering a run.

const opt = <T extends z.ZodType>(schema: T) => schema.optional();

const threadRefSchema = z.object({
  id: z.string(),
  pull: z.number().int(),
  path: z.string(),
  line: z.number().int().nullable(),
  diffHunk: z.string(),
  comments: z.array(z.object({ author: z.string(), body: z.string() })),
  commentCount: z.number().int().nonnegative(),
  answered: opt(z.boolean()),
});

const ciFailuresSchema = z.object({
  pull: z.number().int(),
  headSha: z.string(),
  failures: z.array(
    z.object({
      name: z.string(),
      output: z.string(),
      log: opt(z.string()),
      logMissing: opt(z.string()),
    }),
  ),
});

const groupCiSchema = z.object({
  headSha: z.string(),
  state: z.enum(["pending", "green", "red", "none", "blind"]),
  pending: opt(z.array(z.string())),
  failing: opt(z.array(z.string())),
  since: z.string(),
  rerun: opt(z.array(z.string())),
  note: opt(z.string()),
});

export const taskRecordSchema = z.object({
  id: z.string().min(1),
  group: z.string().min(1),
  depends_on: z.array(z.string()),
  title: z.string(),
  description: z.string(),
  verify: opt(z.string()),
  backend: opt(z.string()),
  model: opt(z.string()),
  effort: opt(z.string()),
  race: opt(z.number().int()),
  priority: z.number(),
  status: z.enum(TASK_STATUSES),
  kind: z.enum(["implement", "review-thread", "catch-up", "conflict", "ci-fix"]),
  update: opt(z.enum(["merge", "rebase"])),
  attempts: z.number().int().nonnegative(),
  retryBase: opt(z.number().int().nonnegative()),
  lastBackend: opt(z.string()),
  lastModel: opt(z.string()),
  // Records written before usage was kept have none.
  usage: opt(
    z.object({
      inputTokens: z.number().nonnegative(),
      outputTokens: z.number().nonnegative(),
      costUsd: opt(z.number().nonnegative()),
      unpriced: opt(z.number().int().nonnegative()),
    }),
  ),
  commit: opt(z.string()),
  report: opt(z.string()),
  threads: opt(z.array(threadRefSchema)),
  checks: opt(ciFailuresSchema),
  explanation: opt(z.string()),
  question: opt(
    z.object({
      text: z.string(),
      attempt: z.number().int().nonnegative(),
      commentId: opt(z.number().int()),
    }),
  ),
  answers: opt(z.array(z.object({ question: z.string(), answer: z.string(), by: z.string() }))),
  lastFailure: opt(z.string()),
  startedAt: opt(z.string()),
  finishedAt: opt(z.string()),
  durationMs: opt(z.number().nonnegative()),
  unsandboxed: opt(z.boolean()),
  changes: opt(z.enum(["added", "changed"])),
}) satisfies z.ZodType<TaskRecord>;

const groupSchema = z.object({
  name: z.string().min(1),
  branch: z.string().min(1),
  headRepo: opt(z.object({ owner: z.string(), repo: z.string() })),
  pull: z.number().int().nullable(),
  checkRun: opt(z.object({ id: z.number().int(), headSha: z.string(), said: z.string() })),
  note: opt(z.string()),
  state: opt(z.enum(["merged", "closed"])),
  base: opt(z.string()),
  editedBy: opt(z.array(z.string())),
  catchUp: opt(
    z.object({
      branch: z.string(),
      sha: z.string(),
      behindBy: z.number().int().nonnegative(),
      state: z.enum(["behind", "catching-up"]),
      task: opt(z.string()),
      note: opt(z.string()),
    }),
  ),
  threads: opt(
    z.object({
      open: z.number().int(),
      resolved: z.number().int(),
      ignored: z.number().int(),
    }),
  ),
  ci: opt(groupCiSchema),
});

export const runRecordSchema = z.object({
  key: z.string().min(1),
  owner: z.string().min(1),
  repo: z.string().min(1),
  issueNumber: z.number().int().positive(),
  installationId: z.number().int().positive(),
  generation: opt(z.number().int().positive()),
  state: z.enum(runStates),
  reason: z.string().nullable(),
  statusCommentId: z.number().int().nullable(),
  statusDigest: opt(z.string()),
  startedBy: z.string(),
  origin: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  questions: z.array(z.string()),
  conversation: z.array(z.string()),
  errors: z.array(z.string()),
  awaitingApproval: z.boolean(),
  stoppedBy: opt(z.string()),
  config: repoConfigSchema,
  groups: z.array(groupSchema),
  unreachable: opt(z.enum(["issue-deleted", "issue-transferred", "access-lost"])),
  githubWait: opt(z.object({ limit: z.enum(["requests", "writes"]), until: z.string() })),
  draftsUnsupported: opt(z.boolean()),
  retired: opt(z.record(z.string(), taskRecordSchema)),
  replanned: opt(
    z.object({
      added: z.array(z.string()),
      changed: z.array(z.string()),
      removed: z.array(z.string()),
      kept: z.number().int().nonnegative(),
    }),
  ),
}) satisfies z.ZodType<RunRecord>;

/** A stored value that is not what it should be; says where it is and what is wrong. */
export class CorruptRecordError extends Error {
  constructor(
    readonly key: string,
    problems: string,
  ) {
    super(`the value stored at ${key} is not a valid Orchestrate record: ${problems}`);
    this.name = "CorruptRecordError";
  }
}

export function parseStored<T>(schema: z.ZodType<T>, key: string, json: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CorruptRecordError(key, "not JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new CorruptRecordError(key, problems);
  }
  return parsed.data;
}
