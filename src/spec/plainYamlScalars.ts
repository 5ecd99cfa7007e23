import type { LineNode } from "./lineTree.js";

/**
 * Thrown when a block uses yaml the fast reader leaves alone; readPlainYaml then returns
 * undefined and the block goes through the full `yaml` parser, which has the final word.
 */
export class NotPlainYaml extends Error {}

export function notPlain(): never {
  throw new NotPlainYaml();
}

/**
 * Characters that cannot start a plain scalar, or start something left to the full parser:
 * anchors, aliases, tags, flow mappings, directives, `-5`/`-x` (read here as "maybe a list").
 */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

// The yaml package's core-schema tests (schema/common/null, schema/core/bool, int, float).
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NUMBER_LIKE = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
];
/** The only numbers read here: plain decimal integers that are exact as JS numbers. */
const SIMPLE_INT = /^(?:0|[1-9][0-9]{0,14})$/;

/** The value of a (trimmed, non-empty) plain scalar under the core schema, as `yaml` gives it. */
export function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  const digitSignOrDot = (first >= 48 && first <= 57) || text[0] === "+" || text[0] === ".";
  if (digitSignOrDot) {
    if (SIMPLE_INT.test(text)) return Number(text);
    // Octal, hex, floats, leading zeros: rare in task lists, and not worth getting subtly wrong.
    if (NUMBER_LIKE.some((re) => re.test(text))) notPlain();
    return text;
  }
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  return text;
}

/** After a scalar: nothing, or a comment (which needs white space before the `#`). */
function checkTail(tail: string): void {
  if (tail.trim() !== "" && !/^ +#/.test(tail)) notPlain();
}

/**
 * A value written on the same line as its key or list dash, starting at `start` of `text` (the
 * whole line); `line` is its line number.
 */
export function readInlineValue(
  text: string,
  start: number,
  line: number,
): { value: unknown; node: LineNode } {
  const c = text[start];
  if (c === "[") {
    const { items, end } = readFlowSequence(text, start);
    checkTail(text.slice(end));
    return { value: items, node: { line, items: items.map(() => ({ line })) } };
  }
  if (c === '"' || c === "'") {
    const { value, end } = readQuoted(text, start);
    checkTail(text.slice(end));
    return { value, node: { line } };
  }
  // A plain scalar ends at a comment (` #`); `a: b` inside it would be a nested mapping.
  const hash = text.indexOf(" #", start);
  const plain = (hash === -1 ? text.slice(start) : text.slice(start, hash)).trimEnd();
  if (plain === "" || INDICATOR.test(plain) || plain.includes(": ") || plain.endsWith(":"))
    notPlain();
  return { value: resolvePlain(plain), node: { line } };
}

/** A one-line quoted scalar starting at `start`; double quotes only without escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (quote === '"') {
    const close = text.indexOf('"', start + 1);
    if (close === -1) notPlain(); // runs onto the next line
    const value = text.slice(start + 1, close);
    if (value.includes("\\")) notPlain();
    return { value, end: close + 1 };
  }
  let value = "";
  let i = start + 1;
  for (;;) {
    const close = text.indexOf("'", i);
    if (close === -1) notPlain();
    value += text.slice(i, close);
    if (text[close + 1] !== "'") return { value, end: close + 1 };
    value += "'"; // '' is a quote inside single quotes
    i = close + 2;
  }
}

/** `[a, "b", 3]` on one line, without nesting, comments or a trailing comma. */
function readFlowSequence(text: string, start: number): { items: unknown[]; end: number } {
  const items: unknown[] = [];
  let i = skipSpaces(text, start + 1);
  if (text[i] === "]") return { items, end: i + 1 };
  for (;;) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const quoted = readQuoted(text, i);
      items.push(quoted.value);
      i = quoted.end;
    } else {
      let end = i;
      while (end < text.length && text[end] !== "," && text[end] !== "]") end++;
      const plain = text.slice(i, end).trimEnd();
      // Flow scalars may not hold [ ] { } and, here, nothing a full parser reads specially.
      if (plain === "" || INDICATOR.test(plain) || /[[\]{}#:"']/.test(plain)) notPlain();
      items.push(resolvePlain(plain));
      i = end;
    }
    i = skipSpaces(text, i);
    if (text[i] === "]") return { items, end: i + 1 };
    if (text[i] !== ",") notPlain();
    i = skipSpaces(text, i + 1);
    if (text[i] === "]" || i >= text.length) notPlain();
  }
}

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (text[j] === " ") j++;
  return j;
}

const BLOCK_HEADER = /^([|>])(-?)(?: +#.*| *)$/;

/**
 * A `|` or `>` block scalar whose header is on line index `header`, inside a node indented by
 * `parentIndent`. Returns its value and the index of the first line after it. Literal (`|`) and
 * folded (`>`) with clip or strip chomping; explicit indentation, keep chomping, leading blank
 * lines and more-indented folded lines are left to the full parser.
 */
export function readBlockScalar(
  lines: readonly string[],
  header: number,
  headerText: string,
  parentIndent: number,
): { value: string; next: number } {
  const match = BLOCK_HEADER.exec(headerText.trim());
  if (!match) notPlain();
  const folded = match[1] === ">";
  const strip = match[2] === "-";
  const firstLine = lines[header + 1] ?? "";
  const indent = indentOf(firstLine);
  if (indent === firstLine.length || indent <= parentIndent) notPlain();

  const body: string[] = [];
  let i = header + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const lineIndent = indentOf(line);
    if (lineIndent === line.length) {
      // Spaces beyond the indentation would be content; only `yaml` knows their chomping.
      if (line.length > indent) notPlain();
      body.push("");
      continue;
    }
    if (lineIndent < indent) break;
    body.push(line.slice(indent));
  }
  let end = body.length;
  while (end > 0 && body[end - 1] === "") end--;
  const content = body.slice(0, end);
  const text = folded ? fold(content) : content.join("\n");
  return { value: strip ? text : `${text}\n`, next: i };
}

/** Folding: a line break becomes a space, and n blank lines become n line breaks. */
function fold(content: readonly string[]): string {
  let text = "";
  let blanks = 0;
  for (const [index, line] of content.entries()) {
    if (line === "") {
      blanks++;
      continue;
    }
    // More-indented lines keep their breaks, and trailing spaces fold oddly: full parser.
    if (line.startsWith(" ") || line.endsWith(" ")) notPlain();
    if (index > 0) text += blanks > 0 ? "\n".repeat(blanks) : " ";
    text += line;
    blanks = 0;
  }
  return text;
}

export function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}
