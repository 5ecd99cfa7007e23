import { ConfigError } from "../config/configError.js";
import { loadOperatorConfig } from "../config/env.js";
import { REDIS_GRACE_MS, reachRedis, redisAddress, redisLostAtStop } from "../queue/reachRedis.js";
import { startOrchestrate } from "../server/startOrchestrate.js";
import { waitForStop } from "./waitForStop.js";

/** `orchestrate worker`: takes task jobs from a shared Redis; run as many as you like. */
export async function workerCommand(): Promise<number> {
  const config = loadOperatorConfig();
  if (!config.credentials) {
    throw new ConfigError("The worker's environment", [
      "APP_ID, PRIVATE_KEY and WEBHOOK_SECRET: set the same values as on the server — workers push and comment as the App",
    ]);
  }
  if (!config.REDIS_URL) {
    throw new ConfigError("The worker's environment", [
      "REDIS_URL: set it to the Redis the server uses — a worker on its own has nobody to take work from",
    ]);
  }
  if (config.WORKER_CONCURRENCY === 0) {
    throw new ConfigError("The worker's environment", [
      "WORKER_CONCURRENCY: a worker runs 1 task or more at once; 0 is for a server without a worker of its own",
    ]);
  }
  // Handlers first: a SIGTERM sent on reading a line below must find them (see serverCommand).
  const stop = waitForStop();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const redis = await reachRedis(config.REDIS_URL, stop, say);
  if (!redis.reached) {
    say(`${redis.stoppedBy}: stopping; Redis at ${redisAddress(config.REDIS_URL)} never answered.`);
    return 0;
  }
  const orchestrate = await startOrchestrate({
    config,
    redisUrl: config.REDIS_URL,
    roles: { webhooks: false, events: true, worker: true, poller: false },
  });
  process.stdout.write(`Orchestrate worker started (concurrency ${config.WORKER_CONCURRENCY}).\n`);
  const signal = await stop;
  process.stdout.write(`${signal}: finishing the tasks in hand, taking no new ones…\n`);
  if (!(await orchestrate.close(REDIS_GRACE_MS))) {
    say(redisLostAtStop(config.REDIS_URL, "tasks"));
    process.exit(1);
  }
  return 0;
}
