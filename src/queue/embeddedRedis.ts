import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export interface EmbeddedRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export class RedisNotInstalledError extends Error {
  readonly code = "REDIS_NOT_INSTALLED";
  constructor() {
    super(
      "redis-server was not found on PATH: install it (sudo apt-get install redis-server) or set REDIS_URL to a running Redis",
    );
  }
}

/**
 * Starts a private redis-server on a free loopback port (or `port`, so a restart keeps the
 * address its clients reconnect to) with the settings BullMQ needs (noeviction, AOF on), data
 * under `dataDir`: started again on the same directory, it replays its AOF. It is stopped on
 * `stop()` and when this process exits.
 */
export async function startEmbeddedRedis(dataDir: string, port?: number): Promise<EmbeddedRedis> {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error) {
    throw new RedisNotInstalledError();
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const listenPort = port ?? (await freePort());
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(listenPort),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--maxmemory-policy",
      "noeviction",
      "--save",
      "",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitReady(child);
  const stopOnExit = () => child.kill("SIGTERM");
  process.on("exit", stopOnExit);
  return {
    url: `redis://127.0.0.1:${listenPort}`,
    pid: child.pid ?? 0,
    stop: async () => {
      process.off("exit", stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        done();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) =>
      fail(
        new Error(
          `redis-server exited with code ${code} before it was ready:\n${seen.slice(-2000)}`,
        ),
      ),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
