import { z } from "zod";
import { formatError } from "./formatError.js";
import type { SpecError } from "./specError.js";
import { SPEC_LIMITS } from "./specLimits.js";
import { MAX_RACE, TASK_ID_PATTERN } from "./task.js";

/** The answer format, as JSON Schema generated from zod so it cannot drift from the parser. */
const answerSchema = z.union([
  z.strictObject({
    tasks: z.array(
      z.strictObject({
        id: z.string().regex(TASK_ID_PATTERN).describe("unique; referenced by depends_on"),
        group: z.string().describe('the pull request this task lands in, e.g. "api"'),
        title: z.string().describe("a few words"),
        description: z.string().describe("self-contained instructions for a coding agent"),
        depends_on: z.array(z.string()).describe("ids of tasks that must be complete first"),
        verify: z.string().optional().describe("a shell command that checks the work"),
        race: z.number().int().min(1).max(MAX_RACE).optional(),
        priority: z.number().int().min(0).optional(),
      }),
    ),
  }),
  z.strictObject({ questions: z.array(z.string()).min(1) }),
]);
const ANSWER_SCHEMA = JSON.stringify(z.toJSONSchema(answerSchema));

/** Feedback quotes at most this much of the rejected answer. */
const MAX_QUOTED_ANSWER = 4_000;

export interface PlannerPromptInput {
  spec: string;
  maxTasks?: number;
  /** What was wrong with the previous answer, for a retry. */
  previous?: { answer: string; errors: readonly SpecError[] };
}

/**
 * The prompt for a planner backend: the job, the answer schema, the rules validation applies
 * (so a good planner gets it right the first time) and, on a retry, exactly what was rejected.
 */
export function plannerPrompt(input: PlannerPromptInput): string {
  const maxTasks = input.maxTasks ?? SPEC_LIMITS.maxTasks;
  const parts = [
    "You are the planner of Orchestrate. Split the spec below into tasks that coding agents can do",
    "in parallel. Tasks in one group land on one branch and become one pull request.",
    "",
    "Answer with JSON only, matching this JSON Schema:",
    ANSWER_SCHEMA,
    "",
    'Answer {"questions": [...]} instead if the spec lacks information you cannot reasonably assume.',
    "",
    "Rules:",
    `- At most ${maxTasks} tasks. Ids are unique, use only letters, digits, "-", "_" and ".", and start with a letter or digit.`,
    '- Group names are short branch-safe words such as "api" or "docs": no spaces, "/", "..", or any of ~^:?*[\\.',
    "- depends_on lists only ids of other tasks in the answer; a task never depends on itself; no cycles.",
    "- Prefer few dependencies: tasks without dependencies on each other run at the same time.",
    "- Each description must stand alone: the agent sees only its own task.",
    "",
    "----- BEGIN SPEC -----",
    input.spec,
    "----- END SPEC -----",
  ];
  if (input.previous) {
    const quoted =
      input.previous.answer.length > MAX_QUOTED_ANSWER
        ? `${input.previous.answer.slice(0, MAX_QUOTED_ANSWER)}\n[…cut]`
        : input.previous.answer;
    parts.push(
      "",
      "Your previous answer was rejected. Fix these problems and answer again with the whole plan:",
      ...input.previous.errors.map((error) => `- ${formatError(error)}`),
      "",
      "----- BEGIN PREVIOUS ANSWER -----",
      quoted,
      "----- END PREVIOUS ANSWER -----",
    );
  }
  return parts.join("\n");
}
