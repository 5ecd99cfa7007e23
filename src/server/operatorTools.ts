import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import type { OperatorConfig } from "../config/env.js";
import { keyPrefix } from "../queue/keyPrefix.js";
import { queueDashboard } from "../queue/queueDashboard.js";
import { queueJobCounts } from "../queue/queueJobCounts.js";
import { readRunStats } from "../queue/readRunStats.js";
import type { RedisClient } from "../queue/redisConnection.js";
import type { RateLimitBook } from "../queue/redisRateLimits.js";
import { DASHBOARD_PATH, dashboardHandler } from "./dashboardHandler.js";
import { metricsHandler } from "./metricsHandler.js";
import { type OrchestrateMetrics, orchestrateMetrics } from "./orchestrateMetrics.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface OperatorTools {
  /** `/metrics`, and `/admin/queues` when a login is configured, for Probot's handler chain */
  handlers: Handler[];
  metrics: OrchestrateMetrics;
  close(): Promise<void>;
}

/**
 * What the operator gets on the webhook server besides `/healthz`: Prometheus metrics and the
 * queue dashboard. Says at start which of them are on and how they are protected.
 */
export function operatorTools(
  redis: RedisClient,
  config: Pick<
    OperatorConfig,
    "ORCHESTRATE_PREFIX" | "ADMIN_USER" | "ADMIN_PASSWORD" | "METRICS_TOKEN"
  >,
  rateLimits: RateLimitBook,
  log: Probot["log"],
): OperatorTools {
  const prefix = keyPrefix(redis, config.ORCHESTRATE_PREFIX);
  const counts = queueJobCounts(redis, prefix);
  const metrics = orchestrateMetrics(
    {
      runStats: () => readRunStats(redis, prefix),
      queueCounts: () => counts.read(),
      rateLimits: () => rateLimits.read(),
    },
    (error) =>
      log.warn({ err: error }, "/metrics could not read Redis; serving what this process knows"),
  );
  const handlers: Handler[] = [metricsHandler(metrics, config.METRICS_TOKEN ?? null)];
  log.info(
    config.METRICS_TOKEN
      ? "Prometheus metrics at /metrics (Authorization: Bearer METRICS_TOKEN)"
      : "Prometheus metrics at /metrics, open to anyone who reaches this port: set METRICS_TOKEN to require a bearer token",
  );
  const closers: Array<() => Promise<void>> = [() => counts.close()];
  if (config.ADMIN_USER && config.ADMIN_PASSWORD) {
    const dashboard = queueDashboard(redis, prefix, DASHBOARD_PATH);
    handlers.push(
      dashboardHandler(
        dashboard,
        { user: config.ADMIN_USER, password: config.ADMIN_PASSWORD },
        (error) => log.error({ err: error }, "queue dashboard request failed"),
      ),
    );
    closers.push(() => dashboard.close());
    log.info(`Queue dashboard at ${DASHBOARD_PATH} (basic auth as ADMIN_USER)`);
  } else {
    log.info(
      `Queue dashboard off: set ADMIN_USER and ADMIN_PASSWORD to serve it at ${DASHBOARD_PATH}`,
    );
  }
  return {
    handlers,
    metrics,
    async close() {
      for (const close of closers) await close();
    },
  };
}
