import { z } from "zod";
import { extractJson } from "./extractJson.js";
import { plannerPrompt } from "./plannerPrompt.js";
import { readTaskDocument } from "./readTaskDocument.js";
import { sortSpecErrors } from "./sortSpecErrors.js";
import type { SpecError } from "./specError.js";
import type { Task } from "./task.js";
import { validateTasks } from "./validateTasks.js";

export type PlannerResult =
  | { kind: "plan"; tasks: Task[]; groups: string[]; attempts: number }
  | { kind: "questions"; questions: string[]; attempts: number }
  | { kind: "invalid"; errors: SpecError[]; lastAnswer: string; attempts: number };

export interface PlannerOptions {
  /** Answers asked for before giving up; default 3 */
  maxAttempts?: number;
  maxTasks?: number;
  maxDescriptionBytes?: number;
}

/** Asks the planner backend (an operator-defined command, in the app) and returns its answer. */
export type AskPlanner = (prompt: string) => Promise<string>;

const questionsSchema = z.strictObject({
  questions: z.array(z.string().trim().min(1)).min(1).max(20),
});

/**
 * Plans a free-form spec with a planner backend. Its answer must be a task list that passes the
 * same validation as a written spec, or questions for the issue author. A malformed or invalid
 * answer is retried with the problems quoted back, up to `maxAttempts` answers in all. Errors
 * thrown by `ask` (the command crashed, timed out) are not retried here: they propagate, since
 * the caller knows whether that failure is worth another try.
 */
export async function planWithPlanner(
  spec: string,
  ask: AskPlanner,
  opts: PlannerOptions = {},
): Promise<PlannerResult> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  let previous: { answer: string; errors: SpecError[] } | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const answer = await ask(
      plannerPrompt({
        spec,
        ...(opts.maxTasks !== undefined ? { maxTasks: opts.maxTasks } : {}),
        ...(previous ? { previous } : {}),
      }),
    );
    const outcome = readAnswer(answer, opts);
    if (outcome.kind === "questions") return { ...outcome, attempts: attempt };
    if (outcome.kind === "plan") return { ...outcome, attempts: attempt };
    previous = { answer, errors: outcome.errors };
  }
  return {
    kind: "invalid",
    errors: previous?.errors ?? [],
    lastAnswer: previous?.answer ?? "",
    attempts: maxAttempts,
  };
}

type Outcome =
  | { kind: "plan"; tasks: Task[]; groups: string[] }
  | { kind: "questions"; questions: string[] }
  | { kind: "retry"; errors: SpecError[] };

function readAnswer(answer: string, opts: PlannerOptions): Outcome {
  const json = extractJson(answer);
  if (!json.ok) {
    return {
      kind: "retry",
      errors: [{ code: "json_syntax", message: `${json.error} — answer with JSON only` }],
    };
  }
  const value = json.value;
  if (typeof value === "object" && value !== null && "questions" in value) {
    const parsed = questionsSchema.safeParse(value);
    if (parsed.success) return { kind: "questions", questions: parsed.data.questions };
    return {
      kind: "retry",
      errors: [
        {
          code: "wrong_type",
          message:
            'questions must be {"questions": ["…"]} with 1 to 20 non-empty strings and nothing else — or answer with {"tasks": […]}',
        },
      ],
    };
  }
  // Planner answers have no lines: errors name the task and field instead.
  const doc = readTaskDocument(value, () => undefined);
  const declared = doc.groups?.map((name) => ({ name }));
  const errors = [
    ...doc.errors,
    ...validateTasks(doc.tasks, {
      ...(opts.maxTasks !== undefined ? { maxTasks: opts.maxTasks } : {}),
      ...(opts.maxDescriptionBytes !== undefined
        ? { maxDescriptionBytes: opts.maxDescriptionBytes }
        : {}),
      ...(declared ? { declaredGroups: declared } : {}),
    }),
  ];
  if (doc.tasks.length === 0 && errors.length === 0) {
    errors.push({
      code: "not_a_task_list",
      message: "the plan has no tasks — give at least one task or ask questions",
    });
  }
  if (errors.length > 0) return { kind: "retry", errors: sortSpecErrors(errors) };
  const tasks = doc.tasks.map((located) => located.task);
  const groups = new Set(doc.groups);
  for (const task of tasks) groups.add(task.group);
  return { kind: "plan", tasks, groups: [...groups] };
}
