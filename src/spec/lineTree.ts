import type { DocumentLocator } from "./locatedTask.js";

/**
 * Where each node of a parsed yaml/json document starts: the line (1-based, in the block) of its
 * first character, the same place the `yaml` package's source ranges point at. Built by the fast
 * readers (readPlainYaml, jsonLineTree) so locating a task does not need a full yaml document.
 */
export interface LineNode {
  line: number;
  /** A mapping's entries, by key. */
  keys?: Map<string, LineNode>;
  /** A sequence's items. */
  items?: LineNode[];
}

/**
 * A locator over a LineTree that answers as parseTaskBlock's yaml-document locator does: the
 * line of the deepest node on the path that exists. Every node here has a line, so that is the
 * deepest prefix of the path found in the tree.
 */
export function lineTreeLocator(
  root: LineNode,
  toBodyLine: (blockLine: number) => number,
): DocumentLocator {
  return (path) => {
    let node = root;
    for (const key of path) {
      const next = childOf(node, key);
      if (next === undefined) break;
      node = next;
    }
    return toBodyLine(node.line);
  };
}

function childOf(node: LineNode, key: string | number): LineNode | undefined {
  if (node.items) {
    // Index rules of the yaml package's YAMLSeq.get: "3" finds item 3, "" and "x" find nothing.
    const index = typeof key === "string" && key !== "" ? Number(key) : key;
    return typeof index === "number" && Number.isInteger(index) && index >= 0
      ? node.items[index]
      : undefined;
  }
  // Keys the fast readers accept are always strings, so a number never names an entry.
  return typeof key === "string" ? node.keys?.get(key) : undefined;
}
