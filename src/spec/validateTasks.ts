import { findControlCharacter, printable } from "./controlCharacter.js";
import { findCycles } from "./findCycles.js";
import { groupBranch } from "./groupBranch.js";
import type { LocatedTask } from "./locatedTask.js";
import { refFormatProblem } from "./refFormatProblem.js";
import { sortSpecErrors } from "./sortSpecErrors.js";
import type { SpecError } from "./specError.js";
import { SPEC_LIMITS } from "./specLimits.js";
import { closestName, slugify } from "./suggestName.js";
import {
  MAX_MODEL_WORD,
  MAX_RACE,
  MODEL_WORD_PATTERN,
  TASK_ID_PATTERN,
  type Task,
} from "./task.js";

export interface ValidateOptions {
  maxTasks?: number;
  maxDescriptionBytes?: number;
  /**
   * Groups the spec declares up front (a yaml/json `groups` list). When given, every task must
   * use one of them and every one of them must have a task: a declared group with no tasks would
   * be a pull request that never opens, which is almost always a typo in a task's group.
   */
  declaredGroups?: readonly { name: string; line?: number }[];
}

/**
 * Every rule a task list must pass before anything runs, for all spec formats and for planner
 * answers alike. Returns all problems at once (sorted by line) so one round of edits fixes them.
 */
export function validateTasks(
  tasks: readonly LocatedTask[],
  opts: ValidateOptions = {},
): SpecError[] {
  const maxTasks = opts.maxTasks ?? SPEC_LIMITS.maxTasks;
  if (tasks.length > maxTasks) {
    return [
      {
        line: tasks[maxTasks]?.line,
        code: "too_many_tasks",
        message: `the spec has ${tasks.length} tasks; the limit is ${maxTasks} — split the work into several issues`,
      },
    ];
  }
  const errors: SpecError[] = [];
  for (const located of tasks) errors.push(...fieldErrors(located, opts));
  errors.push(...groupErrors(tasks, opts.declaredGroups));
  errors.push(...idAndDependencyErrors(tasks));
  return sortSpecErrors(errors);
}

function fieldErrors(located: LocatedTask, opts: ValidateOptions): SpecError[] {
  const { task } = located;
  const errors: SpecError[] = [];
  const ref = task.id.trim() === "" ? undefined : printable(task.id);
  const at = (field: keyof Task): number | undefined => located.fieldLines?.[field] ?? located.line;
  const push = (field: keyof Task, code: SpecError["code"], message: string): void => {
    errors.push({ line: at(field), ...(ref !== undefined ? { task: ref } : {}), code, message });
  };
  const control = (field: keyof Task, value: string, allowWhitespace: boolean): boolean => {
    const found = findControlCharacter(value, { tab: allowWhitespace, newline: allowWhitespace });
    if (found)
      push(
        field,
        "control_character",
        `the ${field} contains the control character ${found.codePoint} (at character ${found.index + 1}) — remove it`,
      );
    return found !== undefined;
  };

  if (task.id.trim() === "") {
    push("id", "empty_id", 'the task has no id — give it a short unique id such as "api-routes"');
  } else if (!control("id", task.id, false)) {
    if (!TASK_ID_PATTERN.test(task.id) || task.id.length > SPEC_LIMITS.maxNameChars) {
      push(
        "id",
        "bad_id",
        `the id may only use letters, digits, "-", "_" and "." (starting with a letter or digit, at most ${SPEC_LIMITS.maxNameChars} characters) — e.g. "${slugify(task.id)}"`,
      );
    }
  }

  if (task.title.trim() === "") {
    push("title", "empty_title", "the task has no title — say in a few words what it does");
  } else if (!control("title", task.title, true) && task.title.length > SPEC_LIMITS.maxTitleChars) {
    push(
      "title",
      "title_too_long",
      `the title is ${task.title.length} characters; the limit is ${SPEC_LIMITS.maxTitleChars} — move the detail into the description`,
    );
  }

  if (task.group.trim() === "") {
    push(
      "group",
      "no_group",
      'the task has no group — set `group:` (in markdown, put the task under a heading naming its group, e.g. "## api")',
    );
  }

  for (const field of ["verify", "backend"] as const) {
    const value = task[field];
    if (value === undefined) continue;
    if (value.trim() === "")
      push(field, "bad_field_value", `${field} is empty — give a value or remove the line`);
    else control(field, value, false);
  }

  for (const field of ["model", "effort"] as const) {
    const value = task[field];
    if (value === undefined) continue;
    if (value.length > MAX_MODEL_WORD || !MODEL_WORD_PATTERN.test(value))
      push(
        field,
        "bad_field_value",
        `${field} "${printable(value.slice(0, 40))}" is not a ${field === "model" ? "model name" : "reasoning effort"} — one word of letters, digits and . _ : / @ + -, starting with a letter or digit (e.g. ${field === "model" ? '"gpt-5-codex"' : '"high"'})`,
      );
  }

  if (
    task.race !== undefined &&
    !(Number.isInteger(task.race) && task.race >= 1 && task.race <= MAX_RACE)
  ) {
    push(
      "race",
      "race_out_of_range",
      `race is ${task.race}; it must be a whole number from 1 to ${MAX_RACE} (how many backends try the task at once)`,
    );
  }
  const maxPriority = SPEC_LIMITS.maxPriority;
  if (
    task.priority !== undefined &&
    !(Number.isInteger(task.priority) && task.priority >= 0 && task.priority <= maxPriority)
  ) {
    push(
      "priority",
      "bad_priority",
      `priority is ${task.priority}; it must be a whole number from 0 to ${maxPriority}`,
    );
  }

  const maxDescription = opts.maxDescriptionBytes ?? SPEC_LIMITS.maxDescriptionBytes;
  const descriptionBytes = Buffer.byteLength(task.description, "utf8");
  if (descriptionBytes > maxDescription) {
    push(
      "description",
      "description_too_large",
      `the description is ${descriptionBytes} bytes; the limit is ${maxDescription} — move detail into a spec file or split the task`,
    );
  }
  return errors;
}

/** One error per bad group name (not one per task in it), at the group's first task. */
function groupErrors(
  tasks: readonly LocatedTask[],
  declared: ValidateOptions["declaredGroups"],
): SpecError[] {
  const errors: SpecError[] = [];
  const firstTask = new Map<string, LocatedTask>();
  for (const located of tasks) {
    if (located.task.group.trim() !== "" && !firstTask.has(located.task.group)) {
      firstTask.set(located.task.group, located);
    }
  }
  const declaredNames = declared?.map((g) => g.name);
  for (const [group, located] of firstTask) {
    const ref = located.task.id.trim() === "" ? {} : { task: printable(located.task.id) };
    const line = located.fieldLines?.group ?? located.line;
    const problem = groupNameProblem(group);
    if (problem) {
      errors.push({
        line,
        ...ref,
        code: "bad_group_name",
        message: `group "${printable(group)}" cannot be part of a branch name: ${problem} — rename the group, e.g. "${slugify(group)}"`,
      });
    }
    if (declaredNames && !declaredNames.includes(group)) {
      const hint = closestName(group, declaredNames);
      errors.push({
        line,
        ...ref,
        code: "unknown_group",
        message: `group "${printable(group)}" is not in the "groups" list${hint ? ` (did you mean "${hint}"?)` : ""} — add it to "groups" or fix the task's group`,
      });
    }
  }
  for (const group of declared ?? []) {
    if (firstTask.has(group.name)) continue;
    errors.push({
      ...(group.line !== undefined ? { line: group.line } : {}),
      code: "empty_group",
      message: `group "${printable(group.name)}" is declared but has no tasks, so its pull request would never open — add a task to it or remove it from "groups"`,
    });
  }
  return errors;
}

function groupNameProblem(group: string): string | undefined {
  const control = findControlCharacter(group);
  if (control) return `it contains the control character ${control.codePoint}`;
  if (group.includes("/"))
    return 'it contains "/" (a group is one branch, not a folder of branches)';
  if (group.length > SPEC_LIMITS.maxNameChars)
    return `it is longer than ${SPEC_LIMITS.maxNameChars} characters`;
  const branch = groupBranch(undefined, group);
  const problem = refFormatProblem(branch);
  return problem ? `"${branch}" ${problem}` : undefined;
}

function idAndDependencyErrors(tasks: readonly LocatedTask[]): SpecError[] {
  const errors: SpecError[] = [];
  const byId = new Map<string, LocatedTask>();
  for (const located of tasks) {
    const { id } = located.task;
    if (id.trim() === "") continue;
    const first = byId.get(id);
    if (!first) {
      byId.set(id, located);
      continue;
    }
    const lines =
      first.line !== undefined && located.line !== undefined
        ? ` (lines ${first.line} and ${located.line})`
        : "";
    errors.push({
      line: located.line,
      task: printable(id),
      code: "duplicate_id",
      message: `id "${printable(id)}" is used by two tasks${lines} — give each task its own id`,
    });
  }

  for (const located of tasks) {
    const { task } = located;
    const line = located.fieldLines?.depends_on ?? located.line;
    const ref = task.id.trim() === "" ? {} : { task: printable(task.id) };
    for (const dep of task.depends_on) {
      if (dep === task.id) {
        errors.push({
          line,
          ...ref,
          code: "self_dependency",
          message: `depends on itself — remove "${printable(dep)}" from its depends_on`,
        });
      } else if (!byId.has(dep)) {
        const hint = closestName(dep, byId.keys());
        errors.push({
          line,
          ...ref,
          code: "unknown_dependency",
          message: `depends on "${printable(dep)}" which is not a task — add a task with id "${printable(dep)}" or remove it from depends_on${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
    }
  }

  const { cycles, unreported } = findCycles([...byId.values()].map((located) => located.task));
  for (const cycle of cycles) {
    const first = cycle[0] ?? "";
    const path = [...cycle, first].map(printable).join(" → ");
    errors.push({
      line: byId.get(first)?.line,
      task: printable(first),
      code: "dependency_cycle",
      message: `these tasks wait on each other in a cycle: ${path} (each depends on the next) — remove one of these dependencies`,
    });
  }
  if (unreported.length > 0) {
    errors.push({
      code: "dependency_cycle",
      message: `these tasks are also on dependency cycles: ${unreported.map(printable).join(", ")} — fix the cycles above, then check them again`,
    });
  }
  return errors;
}
