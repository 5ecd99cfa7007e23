import { z } from "zod";
import { MAX_MODEL_WORD, MODEL_WORD_PATTERN } from "../spec/task.js";

export const COPILOT_REVIEWER = "copilot-pull-request-reviewer[bot]";

const ciConfigSchema = z
  .object({
    rerun_failed: z
      .boolean()
      .default(false)
      .describe("Re-run a failed GitHub Actions job once before a `ci-fix` task is made for it."),
    timeout_minutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe(
        "How long a check may stay queued or in progress before the status comment says so.",
      ),
  })
  .strict()
  .default({ rerun_failed: false, timeout_minutes: 60 })
  .describe("CI follow-up on each group's pull request.");

const modelWord = z.string().max(MAX_MODEL_WORD).regex(MODEL_WORD_PATTERN, {
  error: "one word of letters, digits and . _ : / @ + -, starting with a letter or digit",
});

/**
 * The shape of `.github/orchestrate.yml`. Keys are snake_case because the file is written by
 * people, in YAML. The descriptions end up in the JSON Schema editors read (see
 * repoConfigJsonSchema), so they say what a person would want to know while typing.
 */
export const repoConfigSchema = z
  .object({
    label: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .default("orchestrate")
      .describe("The label that starts a run."),
    backends: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Which of the operator's backends this repository uses (default: all)."),
    race: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(1)
      .describe("Backends raced on every task, 1 to 5; a task's own `race` wins."),
    verify: z
      .string()
      .min(1)
      .optional()
      .describe("Run in the worktree after the agent; only a verified change is pushed."),
    backend_defaults: z
      .record(
        z.string().min(1),
        z
          .object({
            model: modelWord.optional().describe("Passed to the backend's model flag."),
            effort: modelWord.optional().describe("Passed to the backend's reasoning-effort flag."),
          })
          .strict(),
      )
      .optional()
      .describe(
        "Per backend name, the model and reasoning effort its tasks use unless a task names its own.",
      ),
    trusted_bots: z
      .array(z.string().min(1))
      .default([COPILOT_REVIEWER])
      .describe("Bots whose review threads are acted on (people need write permission)."),
    approval: z
      .enum(["required", "none"])
      .default("none")
      .describe("`required`: the plan waits for `/orchestrate approve`."),
    follow: z
      .enum(["all", "mention"])
      .default("all")
      .describe("`mention`: only review threads that mention the app are acted on."),
    draft: z
      .boolean()
      .default(false)
      .describe("Open each group's pull request as a draft at its first push."),
    stack: z
      .boolean()
      .default(false)
      .describe(
        "Stack dependent groups: a group whose tasks depend on one other group's is branched from, and its PR opened against, that group's branch.",
      ),
    done_when: z
      .enum(["ready", "merged"])
      .default("ready")
      .describe(
        "`ready`: the run is done when every PR is ready, its threads resolved; `merged`: when every group's PR is merged.",
      ),
    update: z
      .enum(["merge", "rebase", "never"])
      .default("merge")
      .describe(
        "When the base branch moves: `merge` it into a group's branch, `rebase` the group's commits onto it (only while nobody else pushed to the branch), or `never` (the status comment says the PR is behind).",
      ),
    limits: z
      .object({
        max_tasks: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(200)
          .describe("A spec with more tasks is refused."),
        attempts: z
          .number()
          .int()
          .min(1)
          .max(10)
          .default(3)
          .describe("Attempts per task before it is `failed`."),
        agent_minutes: z
          .number()
          .positive()
          .default(600)
          .describe("Agent time the run may spend; then it stops, saying so."),
        run_attempts: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(1000)
          .describe("Agent attempts over all the run's tasks; then it stops, saying so."),
        tokens: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            "Tokens (in and out) the run's agents may spend; then it stops, saying so (default: no cap).",
          ),
        usd: z
          .number()
          .positive()
          .optional()
          .describe(
            "US dollars the run's agents may spend, as their CLIs or the operator's prices say; then it stops (default: no cap).",
          ),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(64)
          .optional()
          .describe("Tasks of one run queued or running at once (default: no cap)."),
        ci_rounds: z
          .number()
          .int()
          .min(0)
          .max(20)
          .default(3)
          .describe(
            "`ci-fix` tasks a group's pull request may get for red CI; past them the run is `needs-input`.",
          ),
      })
      .strict()
      .default({
        max_tasks: 200,
        attempts: 3,
        agent_minutes: 600,
        run_attempts: 1000,
        ci_rounds: 3,
      }),
    ci: ciConfigSchema,
  })
  .strict();
