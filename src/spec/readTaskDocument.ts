import { z } from "zod";
import { printable } from "./controlCharacter.js";
import type { DocumentLocator, LocatedTask } from "./locatedTask.js";
import type { SpecError } from "./specError.js";
import { closestName } from "./suggestName.js";
import type { Task } from "./task.js";

/**
 * The shape of a task as people (and planners) write it. It is looser than `taskSchema`:
 * numbers are accepted where ids are expected (`id: 1` in yaml), `depends_on` may be one
 * comma-separated string, and null means "not given". Value rules (id pattern, race range…)
 * are checked afterwards by validateTasks, which treats every spec format alike.
 */
const name = z.union([z.string(), z.int().transform(String)]);
const taskInputSchema = z.strictObject({
  id: name.nullable(),
  group: name.nullable(),
  title: z.union([z.string(), z.number().transform(String)]).nullable(),
  description: z.string().nullish(),
  depends_on: z.union([z.array(name), name]).nullish(),
  verify: z.string().nullish(),
  backend: z.string().nullish(),
  model: z.string().nullish(),
  effort: z.string().nullish(),
  race: z.number().nullish(),
  priority: z.number().nullish(),
});

const TASK_FIELDS = Object.keys(taskInputSchema.shape);
const EXPECTED: Record<string, string> = {
  id: 'a string such as "api"',
  group: "a string",
  title: "a string",
  description: "a string",
  depends_on: "a list of task ids",
  verify: "a command (a string)",
  backend: "a backend name (a string)",
  model: 'a model name such as "gpt-5-codex" (a string)',
  effort: 'a reasoning effort such as "high" (a string)',
  race: "a number from 1 to 5",
  priority: "a whole number",
};

export interface TaskDocument {
  tasks: LocatedTask[];
  /** The document's own `groups` list, when it declares one. */
  groups?: string[];
  errors: SpecError[];
}

/**
 * Reads the value of a yaml/json task block or a planner's answer: `{tasks: [...], groups?}` or a
 * bare array of tasks. Each task is checked on its own so one bad task does not hide the others,
 * and every error names the task and the field.
 */
export function readTaskDocument(value: unknown, locate: DocumentLocator): TaskDocument {
  const errors: SpecError[] = [];
  let items: unknown;
  let base: (string | number)[] = [];
  let groups: string[] | undefined;

  if (Array.isArray(value)) {
    items = value;
  } else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      if (key === "tasks" || key === "groups") continue;
      const hint = closestName(key, ["tasks", "groups"]);
      errors.push({
        line: locate([key]),
        code: "unknown_field",
        message: `unknown top-level field "${key}"${hint ? ` — did you mean "${hint}"?` : ""} (allowed: tasks, groups)`,
      });
    }
    if (!("tasks" in value)) {
      errors.push({
        line: locate([]),
        code: "missing_field",
        message:
          'the task list has no "tasks" field — write `tasks:` followed by the list of tasks',
      });
    }
    items = value["tasks"];
    base = ["tasks"];
    if (value["groups"] !== undefined && value["groups"] !== null) {
      const parsed = z.array(name).safeParse(value["groups"]);
      if (parsed.success) groups = parsed.data;
      else
        errors.push({
          line: locate(["groups"]),
          code: "wrong_type",
          message: `"groups" must be a list of group names, not ${describeValue(value["groups"])}`,
        });
    }
  } else {
    errors.push({
      line: locate([]),
      code: "not_a_task_list",
      message: `expected a task list ({"tasks": [...]}) but found ${describeValue(value)}`,
    });
    return { tasks: [], errors };
  }

  const tasks: LocatedTask[] = [];
  if (!Array.isArray(items)) {
    if (items !== undefined)
      errors.push({
        line: locate(base),
        code: "wrong_type",
        message: `"tasks" must be a list of tasks, not ${describeValue(items)}`,
      });
    return { tasks, ...(groups ? { groups } : {}), errors };
  }

  items.forEach((item, index) => {
    const path = [...base, index];
    const line = locate(path);
    const ref = taskRef(item, index);
    if (!isRecord(item)) {
      errors.push({
        line,
        task: ref,
        code: "wrong_type",
        message: `each task must be a mapping with id, group and title, not ${describeValue(item)}`,
      });
      return;
    }
    const parsed = taskInputSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push(...issueErrors(issue, item, ref, (field) => locate([...path, field]) ?? line));
      }
      return;
    }
    const input = parsed.data;
    const task: Task = {
      id: input.id ?? "",
      group: input.group ?? "",
      depends_on: dependencyList(input.depends_on),
      title: input.title ?? "",
      description: input.description ?? "",
      ...(input.verify != null ? { verify: input.verify } : {}),
      ...(input.backend != null ? { backend: input.backend } : {}),
      ...(input.model != null ? { model: input.model } : {}),
      ...(input.effort != null ? { effort: input.effort } : {}),
      ...(input.race != null ? { race: input.race } : {}),
      ...(input.priority != null ? { priority: input.priority } : {}),
    };
    const fieldLines: LocatedTask["fieldLines"] = {};
    for (const field of Object.keys(item) as (keyof Task)[]) {
      const fieldLine = locate([...path, field]);
      if (fieldLine !== undefined) fieldLines[field] = fieldLine;
    }
    tasks.push({ task, ...(line !== undefined ? { line } : {}), fieldLines });
  });
  return { tasks, ...(groups ? { groups } : {}), errors };
}

function issueErrors(
  issue: z.core.$ZodIssue,
  item: Record<string, unknown>,
  task: string,
  lineOf: (field: string) => number | undefined,
): SpecError[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const hint =
        closestName(key.replace(/[\s-]/g, "_"), TASK_FIELDS) ?? closestName(key, TASK_FIELDS);
      return {
        line: lineOf(key),
        task,
        code: "unknown_field" as const,
        message: `unknown field "${key}"${hint ? ` — did you mean "${hint}"?` : ""} (fields: ${TASK_FIELDS.join(", ")})`,
      };
    });
  }
  const field = String(issue.path[0] ?? "");
  const given = item[field];
  if (given === undefined) {
    return [
      {
        line: lineOf(field),
        task,
        code: "missing_field",
        message: `missing required field "${field}" — add \`${field}:\` to the task`,
      },
    ];
  }
  return [
    {
      line: lineOf(field),
      task,
      code: "wrong_type",
      message: `field "${field}" must be ${EXPECTED[field] ?? "of another type"}, not ${describeValue(given)}`,
    },
  ];
}

/** `depends_on: "a, b"` and `depends_on: [a, b]` both mean two dependencies; repeats are dropped. */
function dependencyList(value: string | string[] | null | undefined): string[] {
  const raw = typeof value === "string" ? value.split(",") : (value ?? []);
  return [...new Set(raw.map((dep) => dep.trim()).filter((dep) => dep.length > 0))];
}

function taskRef(item: unknown, index: number): string {
  if (isRecord(item)) {
    const id = item["id"];
    if (typeof id === "string" && id.trim() !== "") return printable(id);
    if (typeof id === "number") return String(id);
  }
  return `#${index + 1}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the text "${printable(value.length > 40 ? `${value.slice(0, 40)}…` : value)}"`;
  return `the ${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
