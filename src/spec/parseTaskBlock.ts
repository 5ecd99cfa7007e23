import { LineCounter, parseDocument } from "yaml";
import type { FencedBlock } from "./findFencedBlocks.js";
import type { DocumentLocator } from "./locatedTask.js";
import type { SpecError } from "./specError.js";

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
 * syntax in a json block is an error) and then once more with the yaml parser, whose source
 * ranges give each task's line and which catches duplicate keys JSON.parse would silently drop.
 */
export function parseTaskBlock(block: FencedBlock): TaskBlock {
  const format = block.lang === "json" ? "json" : "yaml";
  const source = block.content.join("\n");
  // Body line (1-based) of the block's first content line is openLine + 2.
  const toBodyLine = (blockLine: number): number => block.openLine + 1 + blockLine;
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
  if (!isTaskList(value)) return { kind: "other" };

  const locate: DocumentLocator = (path) => {
    // The nearest node on the path that has a source range: a field with no value has none.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      const offset = rangeStart(node);
      if (offset !== undefined) return toBodyLine(lineCounter.linePos(offset).line);
    }
    return toBodyLine(1);
  };
  return { kind: "tasks", format, value, locate };
}

/** `{tasks: …}` or a bare list of mappings; anything else in a yaml/json block is prose. */
function isTaskList(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((item) => typeof item === "object" && item !== null);
  }
  return typeof value === "object" && value !== null && "tasks" in value;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
