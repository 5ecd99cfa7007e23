import type { LineNode } from "./lineTree.js";
import {
  indentOf,
  NotPlainYaml,
  notPlain,
  readBlockScalar,
  readInlineValue,
} from "./plainYamlScalars.js";

/** What a task list needs from a yaml block: its value and where each node starts. */
export interface PlainYaml {
  value: unknown;
  tree: LineNode;
}

interface Parsed {
  value: unknown;
  node: LineNode;
}

/** A mapping key as task lists write them (`id`, `depends_on`), matched where a key may start. */
const KEY = /([A-Za-z_][A-Za-z0-9_-]*):(?: |$)/y;
/** Keys the core schema reads as null or booleans rather than strings. */
const NON_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Tabs, CR and other control characters, BOM, Unicode line separators: the full parser's job. */
const AWKWARD = /[\p{Cc}\ufeff\u2028\u2029]/u;
/** Document markers and directives. */
const DOCUMENT_SYNTAX = /^(?:---|\.\.\.)(?: |$)|^%/;

/**
 * Reads the plain block-style yaml that task lists are written in (mappings, `- ` lists, plain
 * and quoted scalars, one-line `[a, b]` lists, `|`/`>` text, comments) over ten times faster
 * than the `yaml` package, whose lexer alone takes most of the time budget for a large spec.
 * Returns the same value `yaml` would and the line each node starts on (as `yaml`'s source
 * ranges give it), or undefined as soon as anything falls outside that subset (anchors, tags,
 * flow mappings, escapes, multi-line plain scalars, duplicate keys, anything malformed): the
 * caller then uses the full parser, so unusual yaml and every syntax error are read exactly as
 * before.
 */
export function readPlainYaml(lines: readonly string[]): PlainYaml | undefined {
  try {
    return new Reader(lines).document();
  } catch (error) {
    if (error instanceof NotPlainYaml) return undefined;
    throw error;
  }
}

class Reader {
  /** The next line to look at. */
  private at = 0;
  /** Each line's indentation, or -1 for a blank or comment line. */
  private readonly indents: Int32Array;

  constructor(private readonly lines: readonly string[]) {
    this.indents = new Int32Array(lines.length);
    lines.forEach((line, index) => {
      if (AWKWARD.test(line) || DOCUMENT_SYNTAX.test(line)) notPlain();
      const indent = indentOf(line);
      this.indents[index] = indent === line.length || line[indent] === "#" ? -1 : indent;
    });
  }

  document(): PlainYaml {
    const first = this.nextContent();
    if (first === -1) notPlain();
    const root = this.node(first, this.indent(first));
    if (this.nextContent() !== -1) notPlain();
    return { value: root.value, tree: root.node };
  }

  private line(index: number): string {
    return this.lines[index] ?? "";
  }

  private indent(index: number): number {
    return this.indents[index] ?? -1;
  }

  /** Index of the next line, from `at`, that is neither blank nor a comment; -1 at the end. */
  private nextContent(): number {
    while (this.at < this.lines.length && this.indent(this.at) === -1) this.at++;
    return this.at < this.lines.length ? this.at : -1;
  }

  /** A mapping or list that starts on line `index`, indented by `indent`. */
  private node(index: number, indent: number): Parsed {
    const line = this.line(index);
    if (isDash(line, indent)) return this.sequence(index, indent);
    if (keyAt(line, indent)) return this.mapping(index, indent);
    return notPlain(); // a scalar on a line of its own, a flow mapping, a `? key`…
  }

  private sequence(index: number, indent: number): Parsed {
    const value: unknown[] = [];
    const items: LineNode[] = [];
    this.at = index;
    for (let at = this.nextContent(); at !== -1; at = this.nextContent()) {
      const line = this.line(at);
      const lineIndent = this.indent(at);
      if (lineIndent < indent) break;
      if (lineIndent > indent) notPlain(); // e.g. a plain scalar continued on the next line
      if (!isDash(line, indent)) break; // a key after a list written at its key's indent
      let column = indent + 1;
      while (line[column] === " ") column++;
      // An empty item, or one on the next line.
      if (column === line.length || line[column] === "#") notPlain();
      let item: Parsed;
      if (keyAt(line, column)) {
        item = this.mapping(at, column);
      } else {
        item = readInlineValue(line, column, at + 1);
        this.at = at + 1;
      }
      value.push(item.value);
      items.push(item.node);
    }
    return { value, node: { line: index + 1, items } };
  }

  /** A mapping whose first key is on line `index` at `column` (after a `- ` in a list item). */
  private mapping(index: number, column: number): Parsed {
    const value: Record<string, unknown> = {};
    const keys = new Map<string, LineNode>();
    let at = index;
    for (;;) {
      const line = this.line(at);
      const match = keyAt(line, column);
      const key = match?.[1];
      if (match === null || key === undefined) return notPlain();
      // Duplicates are an error the full parser reports; keys over 1024 characters too.
      if (NON_STRING_KEY.test(key) || keys.has(key) || key.length > 1000) notPlain();
      const entry = this.entryValue(at, column, column + match[0].length);
      setEntry(value, key, entry.value);
      keys.set(key, entry.node);
      const next = this.nextContent();
      if (next === -1 || this.indent(next) < column) break;
      if (this.indent(next) > column) notPlain();
      at = next;
    }
    return { value, node: { line: index + 1, keys } };
  }

  /** The value of the key on line `at` at `column`; it starts at `from`, after the colon. */
  private entryValue(at: number, column: number, from: number): Parsed {
    const line = this.line(at);
    let start = from;
    while (line[start] === " ") start++;
    if (start === line.length || line[start] === "#") {
      // Nothing on the key's line: a nested block below it, or no value at all.
      this.at = at + 1;
      const next = this.nextContent();
      if (next !== -1) {
        const indent = this.indent(next);
        if (indent > column) return this.node(next, indent);
        if (indent === column && isDash(this.line(next), column))
          return this.sequence(next, column);
      }
      // `yaml` places an empty value on its key's line.
      return { value: null, node: { line: at + 1 } };
    }
    if (line[start] === "|" || line[start] === ">") {
      const scalar = readBlockScalar(this.lines, at, line.slice(start), column);
      this.at = scalar.next;
      return { value: scalar.value, node: { line: at + 1 } };
    }
    this.at = at + 1;
    return readInlineValue(line, start, at + 1);
  }
}

function keyAt(line: string, column: number): RegExpExecArray | null {
  KEY.lastIndex = column;
  return KEY.exec(line);
}

/** A list dash at `column`: `- item`, or a lone `-`. */
function isDash(line: string, column: number): boolean {
  return line[column] === "-" && (line.length === column + 1 || line[column + 1] === " ");
}

/** As `yaml`'s toJS sets entries: inherited names such as `__proto__` become own properties. */
function setEntry(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key in map)
    Object.defineProperty(map, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  else map[key] = value;
}
