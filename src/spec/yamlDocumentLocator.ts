import type { Document, LineCounter } from "yaml";
import type { DocumentLocator } from "./locatedTask.js";

/**
 * The locator over a full `yaml` document (parsed with a LineCounter): the line of the nearest
 * node on the path that has a source range. The fast readers' LineTree locator must agree with it,
 * and the tests check that it does.
 */
export function yamlDocumentLocator(
  doc: Document,
  lineCounter: LineCounter,
  toBodyLine: (blockLine: number) => number,
): DocumentLocator {
  return (path) => {
    // A field with no value has no node, so the search goes up to its task.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      const offset = rangeStart(node);
      if (offset !== undefined) return toBodyLine(lineCounter.linePos(offset).line);
    }
    return toBodyLine(1);
  };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}
