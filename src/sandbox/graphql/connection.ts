import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";
import { GithubError } from "./githubError.js";
import { excessivePagination, MAX_PAGE_SIZE, missingBoundaries } from "./paginationErrors.js";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

// Cursors name the item they follow (its key), so a page boundary survives items being added
// or filtered out between two requests; the position is kept as a fallback for a vanished key.
const PREFIX = "cursor:v2:";

function encodeCursor(key: string, position: number): string {
  return Buffer.from(`${PREFIX}${position}:${key}`).toString("base64");
}

function decodeCursor(cursor: string): { key: string; position: number } {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  const match = text.startsWith(PREFIX) ? text.slice(PREFIX.length).match(/^(\d+):(.*)$/s) : null;
  if (!match) {
    throw new GithubError(
      "INVALID_CURSOR_ARGUMENTS",
      `\`${cursor}\` does not appear to be a valid cursor.`,
    );
  }
  return { position: Number(match[1]), key: match[2] ?? "" };
}

function boundaryIndex(keys: string[], cursor: string): number {
  const { key, position } = decodeCursor(cursor);
  const index = keys.indexOf(key);
  return index >= 0 ? index : Math.min(position, keys.length);
}

/** Whether the connection's `nodes` or `edges` are selected (GitHub lets a bare count go unpaged). */
function selectsItems(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === "nodes" || selection.name.value === "edges";
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return search(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((field) => search(field.selectionSet));
}

/**
 * One page of a connection, in the shape of every GitHub `...Connection`. Views and cursors are
 * made only for the page, and only when asked for: a poll that selects `nodes` pays for no cursor.
 */
export class ConnectionView<R, T> {
  readonly totalCount: number;
  readonly #page: readonly R[];
  readonly #keys: readonly string[];
  readonly #start: number;
  readonly #end: number;
  readonly #toNode: (item: R) => T;
  #nodes: T[] | undefined;

  constructor(
    items: readonly R[],
    keys: readonly string[],
    start: number,
    end: number,
    toNode: (item: R) => T,
  ) {
    this.totalCount = items.length;
    this.#page = items.slice(start, end);
    this.#keys = keys;
    this.#start = start;
    this.#end = end;
    this.#toNode = toNode;
  }

  get nodes(): T[] {
    this.#nodes ??= this.#page.map(this.#toNode);
    return this.#nodes;
  }

  get edges(): Array<{ cursor: string; node: T }> {
    return this.nodes.map((node, offset) => ({
      cursor: this.#cursorAt(this.#start + offset),
      node,
    }));
  }

  get pageInfo() {
    const empty = this.#end <= this.#start;
    return {
      hasNextPage: this.#end < this.totalCount,
      hasPreviousPage: this.#start > 0,
      startCursor: empty ? null : this.#cursorAt(this.#start),
      endCursor: empty ? null : this.#cursorAt(this.#end - 1),
    };
  }

  #cursorAt(index: number): string {
    return encodeCursor(this.#keys[index] ?? "", index);
  }
}

/**
 * One page of `items` (already filtered and in GitHub's order) as a connection of their views
 * (`toNode`), enforcing GitHub's pagination rules as field errors, which is how GitHub raises them.
 */
export function connection<R, T>(
  items: readonly R[],
  keyOf: (item: R) => string,
  toNode: (item: R) => T,
  args: ConnectionArgs,
  info: GraphQLResolveInfo,
): ConnectionView<R, T> {
  const name = info.fieldName;
  const first = args.first ?? undefined;
  const last = args.last ?? undefined;
  if (first === undefined && last === undefined && selectsItems(info))
    throw missingBoundaries(name);
  if (first !== undefined && last !== undefined) {
    throw new GithubError(
      undefined,
      `Passing both \`first\` and \`last\` to paginate the \`${name}\` connection is not supported.`,
    );
  }
  if (first !== undefined && first > MAX_PAGE_SIZE) throw excessivePagination(name, "first", first);
  if (last !== undefined && last > MAX_PAGE_SIZE) throw excessivePagination(name, "last", last);
  if ((first ?? 0) < 0 || (last ?? 0) < 0) {
    const argument = (first ?? 0) < 0 ? "first" : "last";
    throw new GithubError(
      undefined,
      `\`${argument}\` on the \`${name}\` connection cannot be less than zero.`,
    );
  }

  const keys = items.map(keyOf);
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.min(boundaryIndex(keys, args.after) + 1, end);
  if (args.before) end = Math.max(Math.min(boundaryIndex(keys, args.before), end), start);
  if (first !== undefined) end = Math.min(end, start + first);
  else if (last !== undefined) start = Math.max(start, end - last);
  else end = start; // counted, not listed
  return new ConnectionView(items, keys, start, end, toNode);
}
