import type { RedisClient } from "../src/queue/redisConnection.js";
import { latencyFigures } from "./workerLatency.js";
import { throughputFigures } from "./workerThroughput.js";

export const TOPOLOGY_WORKERS = 4;

/**
 * Ready → start latency and live throughput (noop and store) with four worker processes, for
 * comparing one Redis with a cluster: figures named `worker.w4.<label>.…`.
 */
export async function topologyFigures(
  connection: RedisClient,
  redisUrl: string,
  concurrency: number,
  label: string,
): Promise<Record<string, number>> {
  const figures = {
    ...(await latencyFigures(connection, redisUrl, concurrency, TOPOLOGY_WORKERS)),
  };
  for (const mode of ["noop", "store"] as const) {
    Object.assign(
      figures,
      await throughputFigures(connection, redisUrl, mode, concurrency, "live", TOPOLOGY_WORKERS),
    );
  }
  return Object.fromEntries(
    Object.entries(figures).map(([name, value]) => [
      name
        .replace(`.w${TOPOLOGY_WORKERS}.`, ".")
        .replace(/^worker\./, `worker.w${TOPOLOGY_WORKERS}.${label}.`),
      value,
    ]),
  );
}
