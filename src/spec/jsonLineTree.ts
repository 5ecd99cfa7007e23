import type { LineNode } from "./lineTree.js";

class NotSimple extends Error {}

/**
 * The line each value of a JSON text starts on, for text JSON.parse has already accepted. This is
 * what parseTaskBlock used to run the whole `yaml` parser for (its source ranges), at a fraction
 * of the cost. Returns undefined when an object repeats a key, or has a key too long to be a yaml
 * implicit key: JSON.parse silently keeps the last value, so those go to the full parser, which
 * reports them.
 */
export function jsonLineTree(source: string): LineNode | undefined {
  try {
    const scanner = new Scanner(source);
    return scanner.value();
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

class Scanner {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  value(): LineNode {
    this.skipSpace();
    const node: LineNode = { line: this.line };
    const c = this.text[this.pos];
    if (c === "{") this.object(node);
    else if (c === "[") this.array(node);
    else if (c === '"') this.string();
    else this.literal();
    return node;
  }

  private object(node: LineNode): void {
    const keys = new Map<string, LineNode>();
    node.keys = keys;
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const raw = this.string();
      // Keys with escapes are compared decoded, as the yaml parser compares them.
      const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (keys.has(key) || key.length > 1000) throw new NotSimple();
      this.skipSpace();
      this.pos++; // :
      keys.set(key, this.value());
      this.skipSpace();
      if (this.text[this.pos++] === "}") return;
    }
  }

  private array(node: LineNode): void {
    const items: LineNode[] = [];
    node.items = items;
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos++] === "]") return;
    }
  }

  /** Skips a string (valid JSON: no raw line breaks inside) and returns it with its quotes. */
  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const quote = this.text.indexOf('"', i);
      if (quote === -1) throw new NotSimple(); // cannot happen after JSON.parse
      let backslashes = 0;
      while (this.text[quote - 1 - backslashes] === "\\") backslashes++;
      i = quote + 1;
      if (backslashes % 2 === 0) break;
    }
    this.pos = i;
    return this.text.slice(start, i);
  }

  /** Numbers, true, false, null. */
  private literal(): void {
    const text = this.text;
    while (this.pos < text.length && !",]} \t\n\r".includes(text[this.pos] ?? "")) this.pos++;
  }

  private skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 10) this.line++;
      else if (c === 13)
        throw new NotSimple(); // a lone CR: leave its line count to `yaml`
      else if (c !== 32 && c !== 9) return;
      this.pos++;
    }
  }
}
