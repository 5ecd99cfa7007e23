import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { jsonLineTree } from "../../src/spec/jsonLineTree.js";
import { lineTreeLocator } from "../../src/spec/lineTree.js";
import { yamlDocumentLocator } from "../../src/spec/yamlDocumentLocator.js";
import { pathsOf } from "./sameAsYaml.js";

/** What parseTaskBlock used to do for every json block: the yaml parser's ranges and duplicates. */
function viaYaml(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  return {
    duplicate: doc.errors.some((e) => e.code === "DUPLICATE_KEY"),
    locate: yamlDocumentLocator(doc, lineCounter, (line) => line),
  };
}

function expectSameLines(text: string): void {
  const tree = jsonLineTree(text);
  const full = viaYaml(text);
  expect(tree === undefined, text).toBe(full.duplicate);
  if (!tree) return;
  const locate = lineTreeLocator(tree, (line) => line);
  for (const path of pathsOf(JSON.parse(text))) {
    expect(locate(path), `${JSON.stringify(path)} in\n${text}`).toBe(full.locate(path));
  }
}

describe("jsonLineTree", () => {
  it("gives the lines the yaml parser gives", () => {
    expectSameLines(
      [
        '{ "tasks": [',
        '  { "id": "a", "title": "x \\" } [", "depends_on": [],',
        '    "race": 2, "verify": null, "ok": true },',
        "  {",
        '    "id":',
        '      "b",',
        '    "depends_on": [',
        '      "a"',
        "    ]",
        "  }",
        "] }",
      ].join("\n"),
    );
    expectSameLines(JSON.stringify({ tasks: [{ id: "a", n: [1, [2, {}]] }] }, null, "\t"));
    expectSameLines('[{"id":"a"},{"id":"b","x":{"y":-1.5e3}}]');
  });

  it("leaves duplicate keys to the yaml parser, escaped spellings included", () => {
    expect(jsonLineTree('{"tasks": [], "tasks": []}')).toBeUndefined();
    expect(jsonLineTree('{"tasks": [{"id": "a", "\\u0069d": "b"}]}')).toBeUndefined();
    expectSameLines('{"tasks": [{"id": "a", "\\u0069d": "b"}]}');
  });

  it("agrees with the yaml parser on generated JSON in every layout", () => {
    const random = mulberry32(11);
    for (let n = 0; n < 500; n++) expectSameLines(layout(random, value(random, 0)));
  });
});

const KEYS = ["id", "group", "depends_on", "tasks", "a\\u0062", "ab", "é", 'q\\"x', "sp ace"];

/** A random JSON value as text (keys may repeat, and some are escaped spellings of others). */
function value(random: () => number, depth: number): string {
  const r = random();
  if (depth < 3 && r < 0.3)
    return `{${Array.from({ length: Math.floor(random() * 4) }, () => `"${pick(random, KEYS)}":${value(random, depth + 1)}`).join(",")}}`;
  if (depth < 3 && r < 0.55)
    return `[${Array.from({ length: Math.floor(random() * 4) }, () => value(random, depth + 1)).join(",")}]`;
  return pick(random, ['"s"', '"with \\"quote\\" and \\\\"', "1", "-2.5e-3", "true", "null", '""']);
}

/** Re-spaces compact JSON: newlines, indentation, tabs between any two tokens. */
function layout(random: () => number, compact: string): string {
  const tokens = compact.match(/"(?:[^"\\]|\\.)*"|[{}[\],:]|[^{}[\],:"]+/g) ?? [];
  return tokens
    .map((token) => {
      const r = random();
      const space = r < 0.3 ? `\n${" ".repeat(Math.floor(random() * 5))}` : r < 0.4 ? "\t" : "";
      return space + token;
    })
    .join("");
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
