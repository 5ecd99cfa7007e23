import { codeLineMask } from "./codeLineMask.js";
import { findFencedBlocks } from "./findFencedBlocks.js";
import { findSpecFileRefs } from "./findSpecFileRefs.js";
import type { LocatedTask } from "./locatedTask.js";
import { normaliseSpecText } from "./normaliseSpecText.js";
import { parseMarkdownTasks } from "./parseMarkdownTasks.js";
import { parseTaskBlock } from "./parseTaskBlock.js";
import { readTaskDocument } from "./readTaskDocument.js";
import { sortSpecErrors } from "./sortSpecErrors.js";
import type { SpecError } from "./specError.js";
import { SPEC_LIMITS } from "./specLimits.js";
import type { Task } from "./task.js";
import { validateTasks } from "./validateTasks.js";

export type SpecFormat = "yaml" | "json" | "markdown" | "freeform";

export type ParsedSpec =
  /** An exact task list, validated. `groups` is in order: declared, else first use. */
  | {
      ok: true;
      format: "yaml" | "json" | "markdown";
      tasks: Task[];
      groups: string[];
      files: string[];
    }
  /** No task list: the (normalised) text goes to the planner. */
  | { ok: true; format: "freeform"; text: string; files: string[] }
  /** `format` is what the spec was recognised as, when it got that far. */
  | { ok: false; format?: SpecFormat; errors: SpecError[]; files: string[] };

export interface ParseSpecOptions {
  /** default 200 */
  maxTasks?: number;
  /** default 65,536, GitHub's issue body limit; raise it for a body merged with spec files */
  maxBytes?: number;
  /** default 32,768 */
  maxDescriptionBytes?: number;
}

/**
 * Turns an issue body into a validated task list, or says it is free-form (for the planner), or
 * lists every problem with its line. Precedence: fenced ```yaml/```json blocks holding a task
 * list win (several are concatenated); otherwise the markdown checklist convention; otherwise
 * the text is free-form. `files` are the repository files the body names (`spec: path`), to be
 * read from the default branch and appended with mergeSpecFiles.
 */
export function parseSpec(text: string, opts: ParseSpecOptions = {}): ParsedSpec {
  const maxBytes = opts.maxBytes ?? SPEC_LIMITS.maxBytes;
  const normalised = normaliseSpecText(text);
  const bytes = Buffer.byteLength(normalised, "utf8");
  if (bytes > maxBytes) {
    return {
      ok: false,
      errors: [
        {
          code: "spec_too_large",
          message: `the spec is ${bytes} bytes; the limit is ${maxBytes} — move detail into spec files (\`spec: docs/feature.md\`) or split the issue`,
        },
      ],
      files: [],
    };
  }

  const lines = normalised.split("\n");
  const blocks = findFencedBlocks(lines);
  const inCode = codeLineMask(blocks, lines.length);
  const { refs, errors: fileErrors } = findSpecFileRefs(lines, (i) => inCode[i] === true);
  const files = refs.map((ref) => ref.path);
  const validateOpts = {
    ...(opts.maxTasks !== undefined ? { maxTasks: opts.maxTasks } : {}),
    ...(opts.maxDescriptionBytes !== undefined
      ? { maxDescriptionBytes: opts.maxDescriptionBytes }
      : {}),
  };

  // 1. Fenced yaml/json task lists.
  let blockFormat: "yaml" | "json" | undefined;
  const blockErrors: SpecError[] = [];
  const blockTasks: LocatedTask[] = [];
  let declared: { name: string; line?: number }[] | undefined;
  for (const block of blocks) {
    if (!["yaml", "yml", "json"].includes(block.lang)) continue;
    const parsed = parseTaskBlock(block);
    if (parsed.kind === "other") continue;
    blockFormat ??= parsed.format;
    if (parsed.kind === "broken") {
      blockErrors.push(...parsed.errors);
      continue;
    }
    const doc = readTaskDocument(parsed.value, parsed.locate);
    blockErrors.push(...doc.errors);
    blockTasks.push(...doc.tasks);
    if (doc.groups) {
      declared ??= [];
      doc.groups.forEach((name, i) => {
        const line = parsed.locate(["groups", i]);
        if (!declared?.some((g) => g.name === name))
          declared?.push({ name, ...(line !== undefined ? { line } : {}) });
      });
    }
  }
  if (blockFormat) {
    const errors = [
      ...fileErrors,
      ...blockErrors,
      ...validateTasks(blockTasks, {
        ...validateOpts,
        ...(declared ? { declaredGroups: declared } : {}),
      }),
    ];
    return finish(
      blockFormat,
      blockTasks,
      declared?.map((g) => g.name),
      errors,
      files,
    );
  }

  // 2. The markdown checklist convention.
  const markdown = parseMarkdownTasks(lines, blocks);
  if (markdown.tasks.length > 0) {
    const errors = [
      ...fileErrors,
      ...markdown.errors,
      ...validateTasks(markdown.tasks, validateOpts),
    ];
    return finish("markdown", markdown.tasks, markdown.groups, errors, files);
  }

  // 3. Free-form: the planner's job.
  if (normalised.trim() === "") {
    return {
      ok: false,
      errors: [
        {
          code: "empty_spec",
          message:
            "the spec is empty — describe the change in the issue body, as a task list (see the README) or in prose for the planner",
        },
      ],
      files,
    };
  }
  if (fileErrors.length > 0) return { ok: false, format: "freeform", errors: fileErrors, files };
  return { ok: true, format: "freeform", text: normalised, files };
}

function finish(
  format: "yaml" | "json" | "markdown",
  located: readonly LocatedTask[],
  declaredGroups: readonly string[] | undefined,
  errors: SpecError[],
  files: string[],
): ParsedSpec {
  if (errors.length > 0) return { ok: false, format, errors: sortSpecErrors(errors), files };
  const tasks = located.map((l) => l.task);
  const groups = new Set(declaredGroups);
  for (const task of tasks) groups.add(task.group);
  return { ok: true, format, tasks, groups: [...groups], files };
}
