import { join } from "node:path";
import { run } from "probot";
import { loadOperatorConfig } from "../config/env.js";
import { RedisNotInstalledError, startEmbeddedRedis } from "../queue/embeddedRedis.js";
import { REDIS_GRACE_MS, reachRedis, redisAddress, redisLostAtStop } from "../queue/reachRedis.js";
import { startOrchestrate } from "../server/startOrchestrate.js";
import { setupWebhookUrl } from "./setupWebhookUrl.js";
import { waitForStop } from "./waitForStop.js";
import { serveWebhookAddressPage, WEBHOOK_ADDRESS_NEEDED } from "./webhookAddressPage.js";

/** `orchestrate server` / `npm start`: everything in one process, Redis embedded by default. */
export async function serverCommand(): Promise<number> {
  const config = loadOperatorConfig();
  if (!config.credentials) {
    // Not registered yet: Probot's setup page registers the App from app.yml and writes .env.
    // Its manifest takes the webhook URL from WEBHOOK_PROXY_URL (app.yml sets none, so that
    // this one counts).
    const hook = setupWebhookUrl(config);
    if (!hook) {
      const page = await serveWebhookAddressPage(config.PORT, config.HOST);
      const stop = waitForStop();
      process.stdout.write(
        `${WEBHOOK_ADDRESS_NEEDED} (Also at http://localhost:${config.PORT}/.)\n`,
      );
      const signal = await stop;
      process.stdout.write(`${signal}: stopping.\n`);
      page.close();
      return 0;
    }
    process.env.WEBHOOK_PROXY_URL = hook;
    process.env.NO_SMEE_SETUP ??= "true";
    process.env.PORT = String(config.PORT);
    process.env.HOST = config.HOST;
    await run(() => {});
    const stop = waitForStop();
    process.stdout.write(
      `Orchestrate is not registered with GitHub yet: open http://localhost:${config.PORT}/ to register the App (webhooks to ${hook}), then start it again.\n`,
    );
    // Probot's setup server has nothing to drain and no close to call: just go.
    const signal = await stop;
    process.stdout.write(`${signal}: stopping the setup page.\n`);
    process.exit(0);
  }
  let redisUrl = config.REDIS_URL;
  let stopRedis = async () => {};
  // Listening for the signals before saying anything: whoever reads a line may signal at once,
  // and a SIGTERM before the handler exists would kill the process instead of draining it.
  const stop = waitForStop();
  if (redisUrl) {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const redis = await reachRedis(redisUrl, stop, say);
    if (!redis.reached) {
      say(`${redis.stoppedBy}: stopping; Redis at ${redisAddress(redisUrl)} never answered.`);
      return 0;
    }
  } else {
    try {
      const redis = await startEmbeddedRedis(join(config.ORCHESTRATE_DATA_DIR, "redis"));
      redisUrl = redis.url;
      stopRedis = redis.stop;
      process.stdout.write(
        `Started a private redis-server at ${redis.address} (data in ${join(config.ORCHESTRATE_DATA_DIR, "redis")}); set REDIS_URL to use your own.\n`,
      );
    } catch (error) {
      if (error instanceof RedisNotInstalledError) {
        process.stderr.write(`orchestrate: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  let orchestrate: Awaited<ReturnType<typeof startOrchestrate>>;
  try {
    orchestrate = await startOrchestrate({
      config,
      redisUrl,
      // WORKER_CONCURRENCY=0: agents run only on worker machines, so this one needs no sandbox.
      roles: { webhooks: true, events: true, worker: config.WORKER_CONCURRENCY > 0, poller: true },
    });
  } catch (error) {
    // A refused start (no agent sandbox, say) must not leave the private Redis running.
    await stopRedis();
    throw error;
  }
  process.stdout.write(
    `Orchestrate is listening on port ${orchestrate.port} (webhooks at ${config.WEBHOOK_PATH}, health at /healthz).\n`,
  );
  const signal = await stop;
  process.stdout.write(`Stopping: finishing the jobs in hand… (${signal})\n`);
  if (!(await orchestrate.close(REDIS_GRACE_MS))) {
    process.stdout.write(`${redisLostAtStop(redisUrl, "jobs")}\n`);
    await stopRedis();
    process.exit(1);
  }
  await stopRedis();
  return 0;
}
