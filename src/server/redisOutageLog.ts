import type { Logger } from "probot";
import type { RedisClient } from "../queue/redisConnection.js";

/** Errors that only say Redis cannot be reached right now. */
const CONNECTION =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|Failed to refresh slots cache|All sentinels are unreachable/;

const QUIET_MS = 60_000;

/**
 * One warning when Redis goes away and one line when it answers again, instead of a stack trace
 * per reconnect try and per worker loop (a hundred lines a minute while Redis is down). Errors
 * of the workers that are not about the connection are logged as they come.
 */
export function redisOutageLog(redis: RedisClient, log: Logger) {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error }, "Redis cannot be reached; retrying until it answers");
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("Redis answers again");
  });
  // A worker's own connection can fail while the main one is fine: at most a line a minute.
  let quietUntil = 0;
  return (message: string) => (error: Error) => {
    if (CONNECTION.test(error.message)) {
      if (down || Date.now() < quietUntil) return;
      quietUntil = Date.now() + QUIET_MS;
      log.warn({ err: error }, `${message}: Redis cannot be reached; retrying`);
      return;
    }
    log.error({ err: error }, message);
  };
}
