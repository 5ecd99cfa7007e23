// One redis-server (or sentinel) process of a test's own topology, on a free loopback port with
// its configuration and data in a folder of its own. Stopped or killed by its pid, never by name:
// other tests run redis-server too.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { waitFor } from "../e2e/helpers.js";

export interface RedisProcess {
  port: number;
  pid: number;
  /** a plain connection to this one process, for administration */
  admin(): Redis;
  /** SIGKILL: the process dies at once, as a crashed machine would */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit; nothing if it is gone already */
  stop(): Promise<void>;
}

export async function startRedisProcess(
  dir: string,
  config: string[],
  o: { sentinel?: boolean; password?: string } = {},
): Promise<RedisProcess> {
  const port = await freePort();
  const file = join(dir, "redis.conf");
  const log = join(dir, "redis.log");
  const lines = [`port ${port}`, "bind 127.0.0.1", `dir ${dir}`, `logfile ${log}`, ...config];
  writeFileSync(file, `${lines.join("\n")}\n`);
  const child = spawn("redis-server", [file, ...(o.sentinel ? ["--sentinel"] : [])], {
    stdio: "ignore",
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: NodeJS.Signals) => {
    if (gone()) return;
    child.kill(signal);
    await exited;
  };
  const admin = () =>
    new Redis({
      host: "127.0.0.1",
      port,
      ...(o.password && !o.sentinel ? { password: o.password } : {}),
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: true,
    });
  await waitFor(`redis-server on port ${port} to answer`, async () => {
    if (gone()) throw new Error(`redis-server on port ${port} exited: ${describeExit(child, log)}`);
    const redis = admin();
    redis.on("error", () => undefined);
    try {
      return (await redis.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  });
  return {
    port,
    pid: child.pid ?? 0,
    admin,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}

function describeExit(child: ChildProcess, log: string): string {
  const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-1500) : "";
  return `${child.signalCode ?? `code ${child.exitCode}`}\n${tail}`;
}

/** Runs `use` on a fresh admin connection to `node`, closed after. */
export async function withAdmin<T>(
  node: RedisProcess,
  use: (redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = node.admin();
  redis.on("error", () => undefined);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
