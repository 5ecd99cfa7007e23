import type { FencedBlock } from "./findFencedBlocks.js";
import type { LocatedTask } from "./locatedTask.js";
import type { SpecError } from "./specError.js";
import type { Task } from "./task.js";

export interface MarkdownTasks {
  tasks: LocatedTask[];
  /** Group names in the order their headings appear (only headings that hold tasks). */
  groups: string[];
  errors: SpecError[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const CHECKLIST_ITEM = /^([ \t]*)[-*+][ \t]+\[([ xX])\][ \t]+(.*)$/;
const ID_AND_TITLE = /^(?:`([^`]+)`|\*\*([^*]+)\*\*|([^\s:`*]+))[ \t]*:[ \t]*(.*)$/;
const FIELD_LINE =
  /^[ \t]*(?:[-*+][ \t]+)?(depends[ _-]?on|verify|backend|model|effort|race|priority)[ \t]*:[ \t]*(.*?)[ \t]*$/i;

interface OpenTask {
  line: number;
  indent: number;
  group: string | undefined;
  id: string;
  title: string;
  body: { text: string; index: number; code: boolean }[];
}

/**
 * The human convention (README): a heading per group, a checklist item `- [ ] id: title` per
 * task, and the lines indented under an item as its description, where `depends on: a, b`,
 * `verify: cmd`, `backend: name`, `model: name`, `effort: level`, `race: N` and `priority: N`
 * lines set those fields.
 *
 * A heading is a group only if checklist tasks sit directly under it; any other heading (a
 * document title, "Background", "Notes") is prose. So there are no empty groups in this format.
 * Code blocks are never structure: a checklist inside ``` is text.
 */
export function parseMarkdownTasks(
  lines: readonly string[],
  blocks: readonly FencedBlock[],
): MarkdownTasks {
  const blockAt = new Map(blocks.map((block) => [block.openLine, block]));
  const tasks: LocatedTask[] = [];
  const errors: SpecError[] = [];
  const groups: string[] = [];
  /** Checklist items without an id: an error only if their group holds tasks. */
  const strays: { line: number; group: string | undefined }[] = [];
  let group: string | undefined;
  let current: OpenTask | undefined;

  const close = (): void => {
    if (current) tasks.push(finishTask(current, errors));
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const block = blockAt.get(i);
    if (block) {
      const end = Math.min(block.closeLine, lines.length - 1);
      if (current && indentOf(line) > current.indent) {
        for (let j = i; j <= end; j++)
          current.body.push({ text: lines[j] ?? "", index: j, code: true });
      } else {
        close();
      }
      i = end;
      continue;
    }
    if (line.trim() === "") {
      current?.body.push({ text: "", index: i, code: false });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      group = cleanHeading(heading[2] ?? "");
      continue;
    }
    const item = CHECKLIST_ITEM.exec(line);
    const indent = indentOf(line);
    if (item && (!current || indent <= current.indent)) {
      close();
      const parts = ID_AND_TITLE.exec((item[3] ?? "").trim());
      if (!parts) {
        strays.push({ line: i + 1, group });
        continue;
      }
      current = {
        line: i + 1,
        indent,
        group,
        id: (parts[1] ?? parts[2] ?? parts[3] ?? "").trim(),
        title: (parts[4] ?? "").trim(),
        body: [],
      };
      if (group !== undefined && !groups.includes(group)) groups.push(group);
      continue;
    }
    if (current && indent > current.indent) {
      current.body.push({ text: line, index: i, code: false });
      continue;
    }
    close();
  }
  close();

  for (const stray of strays) {
    if (stray.group === undefined || !groups.includes(stray.group)) continue;
    errors.push({
      line: stray.line,
      code: "missing_task_id",
      message:
        "this checklist item has no task id — write it as `- [ ] some-id: title`, or indent it under a task to make it part of that task's description",
    });
  }
  return { tasks, groups, errors };
}

function finishTask(open: OpenTask, errors: SpecError[]): LocatedTask {
  const task: Task = {
    id: open.id,
    group: open.group ?? "",
    depends_on: [],
    title: open.title,
    description: "",
  };
  const fieldLines: LocatedTask["fieldLines"] = {};
  const description: string[] = [];
  for (const entry of open.body) {
    const field = entry.code ? null : FIELD_LINE.exec(entry.text);
    if (!field) {
      description.push(entry.text);
      continue;
    }
    const key = (field[1] ?? "").toLowerCase();
    const value = unquote(field[2] ?? "");
    const line = entry.index + 1;
    if (key.startsWith("depends")) {
      fieldLines.depends_on ??= line;
      for (const dep of parseDependencies(value)) {
        if (!task.depends_on.includes(dep)) task.depends_on.push(dep);
      }
    } else if (key === "verify" || key === "backend" || key === "model" || key === "effort") {
      task[key] = value;
      fieldLines[key] = line;
    } else {
      const kind = key === "race" ? "race" : "priority";
      fieldLines[kind] = line;
      if (/^\d+$/.test(value)) task[kind] = Number(value);
      else
        errors.push({
          line,
          task: open.id || undefined,
          code: "wrong_type",
          message: `${kind} must be a whole number${kind === "race" ? " from 1 to 5" : ""}, not "${value}"`,
        });
    }
  }
  task.description = dedent(description);
  return { task, line: open.line, fieldLines };
}

/** `a, b`, `` `a` `b` `` and `none` all work; ids never contain spaces or commas. */
function parseDependencies(value: string): string[] {
  if (/^(none|-|—|n\/a)$/i.test(value)) return [];
  return value
    .split(/[\s,]+/)
    .map(unquote)
    .filter((dep) => dep.length > 0);
}

function unquote(value: string): string {
  return value.replace(/^`(.*)`$/, "$1").trim();
}

/** `## \`api\`` and `## **api**` name the group `api`. */
function cleanHeading(text: string): string {
  const wrapped = /^(`|\*\*|__|\*|_)(.+)\1$/.exec(text.trim());
  return (wrapped ? (wrapped[2] ?? "") : text).trim();
}

function dedent(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? "").trim() === "") start++;
  while (end > start && (lines[end - 1] ?? "").trim() === "") end--;
  const kept = lines.slice(start, end);
  const indents = kept.filter((line) => line.trim() !== "").map(indentOf);
  const cut = indents.reduce((min, n) => Math.min(min, n), indents[0] ?? 0);
  return kept.map((line) => stripColumns(line, cut).trimEnd()).join("\n");
}

/** Indentation in columns; a tab advances to the next multiple of 4, as markdown does. */
function indentOf(line: string): number {
  let columns = 0;
  for (const ch of line) {
    if (ch === " ") columns++;
    else if (ch === "\t") columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

function stripColumns(line: string, count: number): string {
  let columns = 0;
  let i = 0;
  while (i < line.length && columns < count) {
    const ch = line[i];
    if (ch === " ") columns++;
    else if (ch === "\t") columns += 4 - (columns % 4);
    else break;
    i++;
  }
  return line.slice(i);
}
