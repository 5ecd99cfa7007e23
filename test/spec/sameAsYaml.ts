import { isDeepStrictEqual } from "node:util";
import { expect } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import type { DocumentLocator } from "../../src/spec/locatedTask.js";
import { yamlDocumentLocator } from "../../src/spec/yamlDocumentLocator.js";

type Path = (string | number)[];

/** What the full `yaml` parser makes of a text, as parseTaskBlock reads it; undefined on errors. */
export function fullYaml(text: string): { value: unknown; locate: DocumentLocator } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) return undefined;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  return { value, locate: yamlDocumentLocator(doc, lineCounter, (line) => line) };
}

/**
 * Every path a locator may be asked about: each node of the value, plus near misses (a key that
 * is not there, an index past the end, an index written as a string, a path through a scalar).
 */
export function pathsOf(value: unknown, base: Path = []): Path[] {
  const paths: Path[] = [base, [...base, "missing"], [...base, 0, "deeper"]];
  if (Array.isArray(value)) {
    paths.push([...base, value.length], [...base, "0"], [...base, ""]);
    value.forEach((item, index) => {
      paths.push(...pathsOf(item, [...base, index]));
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...base, key]));
    paths.push([...base, 0]);
  }
  return paths;
}

/** The fast reader's value and locator agree with the full parser's at every path. */
export function expectSameAsYaml(
  text: string,
  fast: { value: unknown; locate: DocumentLocator },
): void {
  const full = fullYaml(text);
  expect(full, `yaml reports errors for a text the fast reader accepted:\n${text}`).toBeDefined();
  if (!full) return;
  // Node's deep equality rather than toStrictEqual, which reads a `constructor` key as the type.
  expect(isDeepStrictEqual(fast.value, full.value), text).toBe(true);
  for (const path of pathsOf(full.value)) {
    expect(fast.locate(path), `${JSON.stringify(path)} in\n${text}`).toBe(full.locate(path));
  }
}
