import type { IncomingMessage, ServerResponse } from "node:http";
import { JOB_LOG_PATH } from "./actions/actionsRunner.js";
import { handleGitRequest, isGitPath } from "./handleGitRequest.js";
import { handleGraphqlRequest } from "./handleGraphqlRequest.js";
import { handleRest } from "./rest/handleRest.js";
import type { Exchange, SandboxRuntime } from "./runtime.js";

/**
 * Sends a request to its door: GraphQL at /graphql (GHE: /api/graphql), git smart HTTP at
 * /{owner}/{repo}.git/..., and REST for everything else (GHE: under /api/v3).
 */
export function dispatchRequest(
  rt: SandboxRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const arrivedAt = rt.state.now().getTime();
  const rawUrl = req.url ?? "/";
  const url = new URL(rawUrl, rt.state.baseUrl);
  let path = rawUrl.split("?")[0] ?? "/";
  const ex = (p: string): Exchange => ({
    req,
    res,
    path: p,
    url,
    requestId: rt.newRequestId(),
    arrivedAt,
  });
  if (path === "/graphql" || path === "/api/graphql") return handleGraphqlRequest(rt, ex(path));
  if (path === "/api/v3" || path.startsWith("/api/v3/")) path = path.slice("/api/v3".length) || "/";
  if (isGitPath(path)) return handleGitRequest(rt, ex(path));
  // Actions job logs download from a signed, short-lived URL (another host on GitHub).
  if (path.startsWith(JOB_LOG_PATH))
    return rt.services.actions.serveLog(path, req.headers.range, res);
  return handleRest(rt, ex(path));
}
