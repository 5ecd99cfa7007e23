import { describe, expect, it } from "vitest";
import { lineTreeLocator } from "../../src/spec/lineTree.js";
import { readPlainYaml } from "../../src/spec/readPlainYaml.js";
import { expectSameAsYaml, fullYaml } from "./sameAsYaml.js";

function fast(text: string) {
  const read = readPlainYaml(text.split("\n"));
  return read && { value: read.value, locate: lineTreeLocator(read.tree, (line) => line) };
}

/** Read by the fast reader, to the same value and lines as the `yaml` package. */
const ACCEPTED: Record<string, string> = {
  "a task list": `tasks:
  - id: api
    group: core
    title: "Add the API: routes"
    depends_on: [db, 'auth''s', "x y"]
    race: 2
    priority: 0
    verify: npm test -- api
    description: |
      Two lines
        one indented

      after a blank line
  - id: db
    group: core
    title: It's a title, with [brackets] and {braces}
    description: >-
      folded
      text

      paragraph
groups: [core]
`,
  "comments and blank lines everywhere": `# leading comment

tasks: # the list
  # before the first item

  - id: a   # trailing comment
    group: g
        # a more-indented comment
    title: 'single' # comment
  # between items
  - id: b
    depends_on:   # a list below
      - a # first
      # inside the list
      - "c"
    verify:
    backend: ~
`,
  "a list at its key's indentation": `tasks:
- id: a
  depends_on:
  - b
  - c
  title: t
- id: b
groups:
- x
`,
  "a bare list with wider dashes": `-   id: 1
    title: 2
-  id: x
   race: 3
`,
  "an indented document": `  tasks:
    - id: a
      description: |-
        text
  groups: []
`,
  "core-schema scalars": `a: true
b: False
c: NULL
d: null
e: 12
f: 0
g: 1a
h: v1.2
i: .hidden
j: http://example.com/x?y=z
k: a#b
l: "  padded  "
m: ''
n: "#not a comment"
o: [1, true, null, "2"]
p: constructor
toString: shadowed
__proto__: own
`,
  "nested mappings": `tasks:
  - id: a
    extra:
      deeper:
        x: 1
      y: [a]
`,
  "block scalars ending at a dedented comment": `a: |
  x
  # kept
 # dropped
b: >
  one
  two


c: 1
`,
  "a block scalar in a list item map": `- description: |
   three spaces
  title: t
`,
  "an empty value at the end": `tasks:
  - id: a
    verify:
`,
  "non-ASCII text": `title: café — ünïcode ✓ 😀
other: a\u00a0b
`,
};

/** Left to the full parser: unusual yaml and everything that is not valid. */
const DECLINED: Record<string, string> = {
  anchor: "a: &x 1\nb: *x\n",
  tag: "a: !str 1\n",
  "flow mapping": "a: {b: 1}\n",
  "escape in double quotes": 'a: "x\\ny"\n',
  "multi-line plain scalar": "a: one\n  two\n",
  "multi-line quoted scalar": 'a: "one\n  two"\n',
  "duplicate key": "a: 1\na: 2\n",
  tab: "a:\t1\n",
  "keep chomping": "a: |+\n  x\n\n",
  "explicit indentation": "a: |2\n   x\n",
  "leading blank line in a block scalar": "a: |\n\n  x\n",
  "nested compact mapping": "a: b: c\n",
  "document marker": "---\na: 1\n",
  float: "race: 1.5\n",
  "leading zero": "id: 007\n",
  hex: "id: 0x1f\n",
  "negative number": "priority: -1\n",
  "quoted key": '"a": 1\n',
  "key with a space": "depends on: a\n",
  "null key": "null: 1\n",
  "empty list item": "- \n- a\n",
  "nested list": "- - a\n",
  "trailing comma": "a: [x, y,]\n",
  "bad indentation": "tasks:\n  - id: a\n   group: b\n",
  "text after a quoted scalar": "a: 'x' y\n",
  "scalar document": "just text\n",
  "empty document": "# only a comment\n",
  "CR line end": "a: 1\r\nb: 2\n",
};

describe("readPlainYaml", () => {
  for (const [name, text] of Object.entries(ACCEPTED)) {
    it(`reads ${name} as yaml does`, () => {
      const read = fast(text);
      expect(read, text).toBeDefined();
      if (read) expectSameAsYaml(text, read);
    });
  }

  for (const [name, text] of Object.entries(DECLINED)) {
    it(`leaves ${name} to the full parser`, () => {
      expect(fast(text)).toBeUndefined();
    });
  }

  it("agrees with yaml on thousands of generated documents, odd ones included", () => {
    const random = mulberry32(7);
    let accepted = 0;
    let valid = 0;
    for (let n = 0; n < 2000; n++) {
      const text = generateDocument(random);
      if (fullYaml(text)) valid++;
      const read = fast(text);
      if (!read) continue;
      accepted++;
      expectSameAsYaml(text, read);
    }
    // The generator must exercise both paths for the comparison to mean something.
    expect(accepted).toBeGreaterThan(400);
    expect(valid - accepted).toBeGreaterThan(150);
  });
});

const KEYS = [
  "id",
  "group",
  "title",
  "depends_on",
  "race",
  "x_y",
  "a-b",
  "tasks",
  "id",
  "True",
  "constructor",
  "__proto__",
  "x.y",
];
const SCALARS = [
  "api",
  "two words",
  "1",
  "0",
  "42",
  "007",
  "1.5",
  "1e3",
  ".5",
  "+1",
  "-1",
  "-x",
  "0x1F",
  "0o17",
  ".inf",
  "true",
  "False",
  "null",
  "~",
  "NULL",
  "yes",
  "x: y",
  "x:",
  "x:y",
  "a #c",
  "a#c",
  "# only a comment",
  '"quoted"',
  '"with \\" escape"',
  '"unclosed',
  "'it''s'",
  "'unclosed",
  "'a' b",
  '"a"#c',
  '"a" # c',
  "[a, b]",
  "[1, 'x', \"y\"]",
  "[]",
  "[ a ,b ]",
  "[a,]",
  "[a, [b]]",
  "[a, b] # c",
  "[a, b",
  "{a: 1}",
  "&anchor v",
  "*alias",
  "!tag v",
  "@at",
  "`tick`",
  "%pct",
  "http://x.y/z",
  "a, b",
  "a [b]",
  "ünï",
  "two  spaces",
  "a:b c",
  "a - b",
  "?x",
  ":x",
  "a]b,c}",
  "x #",
  "[ a, 'b''c', \"d e\" ]",
  "[ ]",
  "[a b]",
  "[a, b]x",
  "[a: b]",
  "[-a]",
  "[.5, ~]",
  "[#a]",
  "",
  "   ",
];
/** The scalars real task lists are made of, so that most documents stay readable. */
const PLAIN_SCALARS = SCALARS.slice(0, 3);
const HEADERS = ["|", "|-", ">", ">-", "|+", "|2", "| # c", "|#c", ">+", "| x"];

function generateDocument(random: () => number): string {
  const lines: string[] = [];
  if (random() < 0.5) mapping(random, lines, 0, 0);
  else sequence(random, lines, 0, 0);
  return addNoise(random, lines).join("\n");
}

function mapping(random: () => number, lines: string[], indent: number, depth: number): void {
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) entry(random, lines, " ".repeat(indent), indent, depth);
}

/** One `key: value` line (plus its block below), after `prefix` (indentation or a list dash). */
function entry(
  random: () => number,
  lines: string[],
  prefix: string,
  indent: number,
  depth: number,
): void {
  const key = pick(random, KEYS);
  const kind = random();
  if (kind < 0.55 || depth > 2) {
    lines.push(`${prefix}${key}: ${scalar(random)}`);
  } else if (kind < 0.7) {
    lines.push(`${prefix}${key}: ${pick(random, HEADERS)}`);
    blockText(random, lines, indent + 1 + Math.floor(random() * 3));
  } else if (kind < 0.8) {
    lines.push(`${prefix}${key}:`);
    mapping(random, lines, indent + 1 + Math.floor(random() * 3), depth + 1);
  } else if (kind < 0.95) {
    lines.push(`${prefix}${key}:`);
    sequence(random, lines, indent + (random() < 0.5 ? 0 : 2), depth + 1);
  } else {
    lines.push(`${prefix}${key}:${random() < 0.5 ? "" : " # nothing"}`);
  }
}

function sequence(random: () => number, lines: string[], indent: number, depth: number): void {
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const dash = `${" ".repeat(indent)}-${" ".repeat(1 + Math.floor(random() * 2))}`;
    if (random() < 0.5 && depth <= 2) {
      entry(random, lines, dash, dash.length, depth + 1);
      const more = Math.floor(random() * 3);
      for (let k = 0; k < more; k++)
        entry(random, lines, " ".repeat(dash.length), dash.length, depth + 1);
    } else {
      lines.push(`${dash}${scalar(random)}`);
    }
  }
}

function blockText(random: () => number, lines: string[], indent: number): void {
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.15) lines.push("");
    else if (r < 0.25) lines.push(`${" ".repeat(indent + 2)}more indented`);
    else if (r < 0.32) lines.push(`${" ".repeat(indent)}trailing spaces  `);
    else if (r < 0.38) lines.push(`${" ".repeat(indent)}# hash line`);
    else lines.push(`${" ".repeat(indent)}${pick(random, ["text", "more text", "a: b", "- x"])}`);
  }
}

/** Blank, comment and whitespace-only lines, shifted indentation, tabs: where readers differ. */
function addNoise(random: () => number, lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const r = random();
    if (r < 0.04) out.push("");
    else if (r < 0.07) out.push(`${" ".repeat(Math.floor(random() * 6))}# comment`);
    else if (r < 0.09) out.push(" ".repeat(1 + Math.floor(random() * 8)));
    const shift = random();
    if (shift < 0.02) out.push(` ${line}`);
    else if (shift < 0.04) out.push(line.replace(/^ /, ""));
    else if (shift < 0.045) out.push(line.replace(/ /, "\t"));
    else out.push(line);
  }
  if (random() < 0.3) out.push("");
  return out;
}

function scalar(random: () => number): string {
  return pick(random, random() < 0.7 ? PLAIN_SCALARS : SCALARS);
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
