import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export interface EmbeddedRedis {
  /** `redis://:<password>@127.0.0.1:<port>`: what clients connect with */
  url: string;
  /** `127.0.0.1:<port>`, for messages (the URL holds the password) */
  address: string;
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
  const password = passwordOf(dir);
  const child = spawn(
    "redis-server",
    [
      // On the command line only as "-": the password is fed on stdin as a config directive,
      // so it shows in no process list.
      "-",
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
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  child.stdin?.end(`requirepass ${password}\n`);
  await waitReady(child);
  const stopOnExit = () => child.kill("SIGTERM");
  process.on("exit", stopOnExit);
  return {
    url: `redis://:${password}@127.0.0.1:${listenPort}`,
    address: `127.0.0.1:${listenPort}`,
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

/**
 * The server's password, kept in its data directory so a restart on the same directory keeps
 * it (clients reconnect with the URL they have). Agents that share the machine's network must
 * not find an open Redis on loopback; the data directory is never shown to them.
 */
function passwordOf(dir: string): string {
  const file = join(dir, "password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(24).toString("hex");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
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
