import { LineCounter, parseDocument } from "yaml";
import type { FencedBlock } from "./findFencedBlocks.js";
import { jsonLineTree } from "./jsonLineTree.js";
import { lineTreeLocator } from "./lineTree.js";
import type { DocumentLocator } from "./locatedTask.js";
import { readPlainYaml } from "./readPlainYaml.js";
import type { SpecError } from "./specError.js";
import { yamlDocumentLocator } from "./yamlDocumentLocator.js";

export type TaskBlock =
  | { kind: "tasks"; format: "yaml" | "json"; value: unknown; locate: DocumentLocator }
  | { kind: "broken"; format: "yaml" | "json"; errors: SpecError[] }
  /** A yaml/json block that is something else (an example config, a payload): prose. */
  | { kind: "other" };

/**
 * A block that does not parse counts as a (broken) task list only if it is clearly meant as one:
 * it has a `tasks` key, or `id` and `group` keys. Specs often hold example payloads with `...`
 * placeholders; those stay prose instead of failing the whole spec.
 */
const LOOKS_LIKE_TASKS =
  /^\s*"?tasks"?\s*:|"tasks"\s*:|^(?=[\s\S]*(?:^|[\s{,-])"?id"?\s*:)(?=[\s\S]*(?:^|[\s{,])"?group"?\s*:)/m;

/**
 * Parses one ```yaml / ```json block of an issue body. Lines in errors and in the locator are
 * lines of the issue body, not of the block. JSON is parsed strictly with JSON.parse (so YAML
 * syntax in a json block is an error) and then checked for duplicate keys, which JSON.parse would
 * silently drop.
 *
 * The `yaml` package's document parser is slow (about 100 ms for 1,000 tasks), so plain yaml is
 * read by readPlainYaml and JSON located by jsonLineTree, which give the same values and lines.
 * Anything they do not handle, including every syntax error and duplicate key, goes through the
 * full parser, whose source ranges give the lines and whose messages name the problem.
 */
export function parseTaskBlock(block: FencedBlock): TaskBlock {
  const format = block.lang === "json" ? "json" : "yaml";
  // Body line (1-based) of the block's first content line is openLine + 2.
  const toBodyLine = (blockLine: number): number => block.openLine + 1 + blockLine;
  if (format === "yaml") {
    const plain = readPlainYaml(block.content);
    if (plain) return taskList(format, plain.value, lineTreeLocator(plain.tree, toBodyLine));
  }
  const source = block.content.join("\n");
  const looksLikeTasks = LOOKS_LIKE_TASKS.test(source);

  let jsonValue: unknown;
  if (format === "json") {
    try {
      jsonValue = JSON.parse(source);
    } catch (error) {
      if (!looksLikeTasks) return { kind: "other" };
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message);
      const blockLine = position ? lineAt(source, Number(position[1])) : 1;
      return {
        kind: "broken",
        format,
        errors: [
          {
            line: toBodyLine(blockLine),
            code: "json_syntax",
            message: `the json block is not valid JSON (${message.replace(/ in JSON at position \d+.*$/, "")}) — check for a missing comma, quote or bracket`,
          },
        ],
      };
    }
    const tree = jsonLineTree(source);
    if (tree) return taskList(format, jsonValue, lineTreeLocator(tree, toBodyLine));
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const syntaxErrors = doc.errors
    .filter((e) => format === "yaml" || e.code === "DUPLICATE_KEY")
    .map(
      (e): SpecError => ({
        line: toBodyLine(e.linePos?.[0]?.line ?? 1),
        code: format === "yaml" ? "yaml_syntax" : "json_syntax",
        message: `the ${format} block is not valid: ${firstLine(e.message)}${e.code === "DUPLICATE_KEY" ? " — remove or rename the repeated key" : ""}`,
      }),
    );
  let value: unknown = jsonValue;
  if (format === "yaml" && syntaxErrors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      syntaxErrors.push({
        line: toBodyLine(1),
        code: "yaml_syntax",
        message: `the yaml block is not valid: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  if (syntaxErrors.length > 0) {
    return looksLikeTasks ? { kind: "broken", format, errors: syntaxErrors } : { kind: "other" };
  }
  return taskList(format, value, yamlDocumentLocator(doc, lineCounter, toBodyLine));
}

function taskList(format: "yaml" | "json", value: unknown, locate: DocumentLocator): TaskBlock {
  return isTaskList(value) ? { kind: "tasks", format, value, locate } : { kind: "other" };
}

/** `{tasks: …}` or a bare list of mappings; anything else in a yaml/json block is prose. */
function isTaskList(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((item) => typeof item === "object" && item !== null);
  }
  return typeof value === "object" && value !== null && "tasks" in value;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
