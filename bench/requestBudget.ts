import { Kind, parse } from "graphql";
import type { RecordedRequest } from "../src/sandbox/state.js";

// What a slice of the sandbox's request log costs one installation, counted the way GitHub
// counts its budgets:
//   rest      installation REST requests (not GraphQL, not git) that count against the 5,000 an
//             hour: a 304 answer to a conditional request is free, so it is counted apart;
//   writes    content-generating requests, limited to 80 a minute and 500 an hour: REST POST,
//             PATCH, PUT, DELETE made with the installation's token, except revoking a token
//             (minting one is made with the App's JWT, so it is no installation request at
//             all), plus GraphQL mutations;
//   points    GraphQL points as the sandbox charges them (GitHub's cost formula);
//   git       git HTTP requests (fetch, push), which have no documented API budget.
// The sandbox's own secondary limit (src/sandbox/contentLimits.ts) counts `writes` the same way.

export interface Budget {
  rest: number;
  rest304: number;
  writes: number;
  /** writes GitHub did not accept (any status ≥ 300) */
  failedWrites: number;
  points: number;
  graphqlCalls: number;
  mutations: number;
  git: number;
  /** `POST /app/installations/{id}/access_tokens`, made with the App's JWT */
  tokenMints: number;
  tokenRevocations: number;
}

const MINT = "apps/create-installation-access-token";
const REVOKE = "apps/revoke-installation-access-token";
const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export function requestBudget(
  requests: readonly RecordedRequest[],
  installationId: number,
): Budget {
  const b: Budget = {
    rest: 0,
    rest304: 0,
    writes: 0,
    failedWrites: 0,
    points: 0,
    graphqlCalls: 0,
    mutations: 0,
    git: 0,
    tokenMints: 0,
    tokenRevocations: 0,
  };
  for (const r of requests) {
    if (r.operation === MINT) b.tokenMints += 1;
    if (r.installationId !== installationId) continue;
    if (r.operation === "git") {
      b.git += 1;
      continue;
    }
    if (r.operation === "graphql") {
      b.graphqlCalls += 1;
      b.points += r.cost;
      if (isMutation(r.body)) {
        b.mutations += 1;
        b.writes += 1;
        if (r.status >= 300) b.failedWrites += 1;
      }
      continue;
    }
    if (r.status === 304) b.rest304 += 1;
    else b.rest += 1;
    if (!WRITE_METHODS.has(r.method)) continue;
    if (r.operation === REVOKE) {
      b.tokenRevocations += 1;
      continue;
    }
    b.writes += 1;
    if (r.status >= 300) b.failedWrites += 1;
  }
  return b;
}

/** Whether the request is a write by the content-limit rule above (what `writes` counts). */
export function isContentWrite(r: RecordedRequest, installationId: number): boolean {
  if (r.installationId !== installationId) return false;
  if (r.operation === "graphql") return isMutation(r.body);
  return r.operation !== "git" && r.operation !== REVOKE && WRITE_METHODS.has(r.method);
}

/** The most of `times` (ms) that fall within any window of `windowMs`. */
export function busiestWindow(times: readonly number[], windowMs = 60_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const mutationMemo = new Map<string, boolean>();

function isMutation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return false;
  const memoKey = `${String(operationName)}\u0000${query}`;
  let known = mutationMemo.get(memoKey);
  if (known === undefined) {
    try {
      const operation = parse(query).definitions.find(
        (d) =>
          d.kind === Kind.OPERATION_DEFINITION &&
          (typeof operationName !== "string" || d.name?.value === operationName),
      );
      known = operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === "mutation";
    } catch {
      known = false;
    }
    mutationMemo.set(memoKey, known);
  }
  return known;
}

/**
 * The installation's content-generating writes (as `writes` counts them) or REST reads by
 * operation, most first.
 */
export function restByOperation(
  requests: readonly RecordedRequest[],
  installationId: number,
  writes: boolean,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.installationId !== installationId || r.operation === "git" || r.status === 304) continue;
    if (r.operation === "graphql") {
      if (writes && isMutation(r.body))
        counts.set("graphql-mutation", (counts.get("graphql-mutation") ?? 0) + 1);
      continue;
    }
    if (WRITE_METHODS.has(r.method) !== writes || r.operation === REVOKE) continue;
    counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}
