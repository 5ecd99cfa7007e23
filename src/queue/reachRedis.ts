import { redisConnection } from "./redisConnection.js";

/** REDIS_URL as it may be shown: without the user and password it may carry. */
export function redisAddress(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//");
}

/**
 * Waits until the Redis at `url` answers, or `stop` resolves first (then its reason is
 * returned). Says once that it waits and why: a process started before its Redis, or pointed
 * at the wrong address, neither claims to be working nor ignores the signal that stops it.
 */
export async function reachRedis(
  url: string,
  stop: Promise<string>,
  say: (line: string) => void,
): Promise<{ reached: true } | { reached: false; stoppedBy: string }> {
  const redis = redisConnection(url);
  let said = false;
  redis.on("error", (error: Error) => {
    if (said) return;
    said = true;
    say(
      `Waiting for Redis at ${redisAddress(url)}: ${error.message}. Retrying until it answers; SIGTERM or Ctrl-C stops.`,
    );
  });
  const ready = new Promise<void>((done) => redis.once("ready", () => done()));
  const outcome = await Promise.race([
    ready.then(() => ({ reached: true }) as const),
    stop.then((stoppedBy) => ({ reached: false, stoppedBy }) as const),
  ]);
  redis.disconnect();
  if (outcome.reached && said) say(`Redis at ${redisAddress(url)} answers.`);
  return outcome;
}

/** How long a stopping process waits for an unreachable Redis before it gives up draining. */
export const REDIS_GRACE_MS = 10_000;

export function redisLostAtStop(url: string, what: "tasks" | "jobs"): string {
  return (
    `Redis at ${redisAddress(url)} has not answered for ${REDIS_GRACE_MS / 1000} s: what the ${what} in hand do cannot be recorded, so stopping now. ` +
    `They are taken over once Redis answers again.`
  );
}
