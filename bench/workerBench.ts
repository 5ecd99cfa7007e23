import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOperatorConfig } from "../src/config/env.js";
import { startEmbeddedRedis } from "../src/queue/embeddedRedis.js";
import { redisConnection } from "../src/queue/redisConnection.js";
import { startBenchCluster } from "./benchCluster.js";
import { latencyFigures } from "./workerLatency.js";
import { throughputFigures } from "./workerThroughput.js";
import { TOPOLOGY_WORKERS, topologyFigures } from "./workerTopologies.js";

const HIGH_CONCURRENCY = 50;

/**
 * Task workers on the real path — BullMQ on a private redis-server (noeviction, AOF on, as the
 * app runs it), the project's taskQueue and startTaskWorker, workers in their own processes:
 * ready → start latency (workerLatency.ts), and 1,000 trivial tasks through 2 workers at the
 * default concurrency and at 50, with each worker's peak RSS (workerThroughput.ts); then latency
 * and live throughput with 4 workers on that Redis and on a 3-master cluster (workerTopologies.ts).
 * Figures only.
 */
export async function workerBench(): Promise<Record<string, number>> {
  // The worker default, read the way `orchestrate worker` reads it, so the bench follows it.
  const defaultConcurrency = loadOperatorConfig({}).WORKER_CONCURRENCY;
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-bench-"));
  const redis = await startEmbeddedRedis(dir);
  const connection = redisConnection(redis.url);
  try {
    const figures: Record<string, number> = {
      "worker.defaultConcurrency": defaultConcurrency,
      ...(await latencyFigures(connection, redis.url, defaultConcurrency)),
    };
    for (const start of ["live", "drain"] as const) {
      for (const mode of ["noop", "store"] as const) {
        for (const concurrency of [defaultConcurrency, HIGH_CONCURRENCY]) {
          const more = await throughputFigures(connection, redis.url, mode, concurrency, start);
          Object.assign(figures, more);
        }
      }
    }
    Object.assign(
      figures,
      await topologyFigures(connection, redis.url, defaultConcurrency, "single"),
      await clusterFigures(defaultConcurrency),
    );
    return figures;
  } finally {
    connection.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function clusterFigures(concurrency: number): Promise<Record<string, number>> {
  const cluster = await startBenchCluster();
  const connection = redisConnection(cluster.url);
  try {
    const figures = await topologyFigures(connection, cluster.url, concurrency, "cluster");
    // What the last run left (its queue's jobs, its runs' records): where it lives.
    const spread = await cluster.keySpread();
    for (const [i, keys] of spread.keysPerMaster.entries()) {
      figures[`worker.w${TOPOLOGY_WORKERS}.cluster.master${i + 1}.keys`] = keys;
      figures[`worker.w${TOPOLOGY_WORKERS}.cluster.master${i + 1}.commands`] =
        spread.commandsPerMaster[i] ?? 0;
    }
    figures[`worker.w${TOPOLOGY_WORKERS}.cluster.slotsUsed`] = spread.slots;
    return figures;
  } finally {
    connection.disconnect();
    await cluster.stop();
  }
}
