import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { waitFor } from "../e2e/helpers.js";

// A worker machine whose Redis is not there yet, or goes away: the worker says so instead of
// claiming to work, and a SIGTERM stops it instead of leaving it hung on Redis.
const CLI = resolve("dist/src/cli.js");
const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(command: string, args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-redis-reach-"));
  dirs.push(dir);
  const child = spawn(command, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, exited, output: () => out };
}

function worker(port: number) {
  return start(process.execPath, [CLI, "worker"], {
    APP_ID: "1",
    PRIVATE_KEY: key,
    WEBHOOK_SECRET: "webhook-secret",
    GITHUB_API_URL: "http://127.0.0.1:9",
    REDIS_URL: `redis://:a-password@127.0.0.1:${port}`,
    // Nothing runs here: no agent needs a sandbox.
    ORCHESTRATE_UNSAFE_NO_SANDBOX: "true",
    LOG_LEVEL: "warn",
  });
}

function redisServer(port: number) {
  return start("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--requirepass",
    "a-password",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
}

describe("a worker whose Redis cannot be reached", () => {
  it("says it waits for Redis, never shows the password, and stops at once on SIGTERM", async () => {
    const port = await freePort();
    const w = worker(port);

    await waitFor("the waiting line", () =>
      w.output().includes(`Waiting for Redis at redis://127.0.0.1:${port}`),
    );
    w.child.kill("SIGTERM");

    expect(await w.exited).toBe(0);
    expect(w.output()).toContain(
      `SIGTERM: stopping; Redis at redis://127.0.0.1:${port} never answered.`,
    );
    expect(w.output()).not.toContain("worker started");
    expect(w.output()).not.toContain("a-password");
  });

  it("starts once Redis answers, and when Redis goes away a SIGTERM still ends it, saying why", async () => {
    const port = await freePort();
    const w = worker(port);
    await waitFor("the waiting line", () => w.output().includes("Waiting for Redis"));
    const redis = redisServer(port);

    await waitFor("the worker to start", () => w.output().includes("Orchestrate worker started"));
    redis.child.kill("SIGKILL");
    await redis.exited;
    await waitFor("the worker to see Redis gone", () =>
      w.output().includes("Redis cannot be reached"),
    );
    w.child.kill("SIGTERM");

    expect(await w.exited).toBe(1);
    expect(w.output()).toContain(
      `Redis at redis://127.0.0.1:${port} has not answered for 10 s: what the tasks in hand do cannot be recorded, so stopping now.`,
    );
    // One warning for the outage, not one per reconnect try.
    expect(w.output().match(/Redis cannot be reached/g)?.length).toBeLessThanOrEqual(2);
  });
});
