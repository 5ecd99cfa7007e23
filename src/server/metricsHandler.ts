import type { IncomingMessage, ServerResponse } from "node:http";
import type { OrchestrateMetrics } from "./orchestrateMetrics.js";
import { sameSecret } from "./sameSecret.js";

/**
 * `/metrics` in Prometheus' text format. Open when `token` is null (put it behind your own
 * network rules); otherwise a scraper must send `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function metricsHandler(
  metrics: Pick<OrchestrateMetrics, "render" | "contentType">,
  token: string | null,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.url?.split("?")[0] !== "/metrics") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (token !== null) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
      if (presented === undefined || !sameSecret(presented, token)) {
        res
          .writeHead(401, {
            "www-authenticate": 'Bearer realm="Orchestrate"',
            "content-type": "text/plain; charset=utf-8",
          })
          .end("/metrics needs Authorization: Bearer <METRICS_TOKEN>.\n");
        return true;
      }
    }
    const body = await metrics.render();
    res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
