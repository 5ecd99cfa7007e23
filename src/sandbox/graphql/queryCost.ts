import { type DocumentNode, getOperationAST, Kind, type ValueNode } from "graphql";
import { type ConnectionUse, connectionTree } from "./connectionTree.js";

export interface QueryCost {
  /** requests GitHub's formula counts: for each connection, the product of the page sizes above it */
  requests: number;
  /** rate-limit points: requests / 100 rounded to nearest, at least 1; a mutation is 1 */
  points: number;
  /** nodes requested: for each connection, the product of its own and every enclosing page size */
  nodes: number;
}

/** The value of an Int-ish argument, with variables resolved; undefined when absent or null. */
export function intArgument(
  value: ValueNode | undefined,
  variables: Record<string, unknown>,
): number | undefined {
  if (value === undefined) return undefined;
  if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
  if (value.kind === Kind.VARIABLE) {
    const resolved = variables[value.name.value];
    return typeof resolved === "number" ? resolved : undefined;
  }
  return undefined;
}

function listLength(value: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (value === undefined) return 0;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const resolved = variables[value.name.value];
    if (Array.isArray(resolved)) return resolved.length;
    return resolved === undefined || resolved === null ? 0 : 1;
  }
  return value.kind === Kind.NULL ? 0 : 1; // a single value is coerced to a one-item list
}

/**
 * GitHub's documented rate-limit score of a call ("Predicting the point value of a query"):
 * add up the requests needed to fulfil each connection, assuming every one returns its full
 * `first`/`last` — a connection's requests are the product of the page sizes of the
 * connections above it, 1 at the top — divide by 100, round to nearest, minimum 1.
 * `nodes(ids:)` is treated as a page of ids.length items (an assumption: GitHub documents no rule).
 * Mutations are charged 1 point, as GitHub's primary limit does (its secondary limit counts 5).
 */
export function queryCost(
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string | null,
): QueryCost {
  let requests = 0;
  let nodes = 0;
  const visit = (uses: ConnectionUse[], multiplier: number) => {
    for (const use of uses) {
      if (use.kind === "idList") {
        visit(use.children, multiplier * listLength(use.ids, variables));
        continue;
      }
      // A connection without first/last may only count (totalCount): it fetches no page.
      const size = intArgument(use.first, variables) ?? intArgument(use.last, variables) ?? 0;
      requests += multiplier;
      nodes += multiplier * Math.max(size, 0);
      visit(use.children, multiplier * Math.max(size, 0));
    }
  };
  visit(connectionTree(document, operationName), 1);
  const operation = getOperationAST(document, operationName);
  const points = operation?.operation === "mutation" ? 1 : Math.max(1, Math.round(requests / 100));
  return { requests, points, nodes };
}
