import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { freePort } from "../../src/queue/embeddedRedis.js";

// `npm start` and `npx orchestrate worker` as an operator runs them: npm starts the command
// through `sh -c` and passes a SIGTERM to that shell, which does not pass it on. The process
// must still drain and exit; "close" fires once every process holding its output is gone.
const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startThroughNpm(args: string[], port: number, readyWhen: string) {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-stop-"));
  dirs.push(dir);
  const child = spawn("npm", args, {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      APP_ID: "1",
      PRIVATE_KEY: key,
      WEBHOOK_SECRET: "webhook-secret",
      GITHUB_API_URL: "http://127.0.0.1:9",
      REDIS_URL: inject("redisUrl"),
      ORCHESTRATE_PREFIX: `stop-${randomUUID().slice(0, 8)}`,
      ORCHESTRATE_DATA_DIR: join(dir, "data"),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const closed = new Promise<void>((done) => child.once("close", () => done()));
  const ready = new Promise<void>((done, failed) => {
    child.stdout?.on("data", () => {
      if (out.includes(readyWhen)) done();
    });
    void closed.then(() => failed(new Error(`exited before it was ready:\n${out}`)));
  });
  return { child, ready, closed, output: () => out };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

describe("stopping what npm started", () => {
  it("SIGTERM to `npm start` drains the server and frees its port", {
    timeout: 180_000,
  }, async () => {
    const port = await freePort();
    // --ignore-scripts skips prestart's build: the test setup compiled dist already.
    const npm = startThroughNpm(["start", "--ignore-scripts"], port, "Orchestrate is listening");
    await npm.ready;
    expect(await accepts(port)).toBe(true);
    npm.child.kill("SIGTERM");
    await npm.closed;
    expect(npm.output()).toContain("Stopping: finishing the jobs in hand… (SIGTERM)");
    expect(await accepts(port)).toBe(false);
  });

  // npm resolves and links the package before it runs anything: on a loaded machine that alone
  // has taken most of a minute, so this waits longer than the default before calling it hung.
  it("SIGTERM to `npx orchestrate worker` stops the worker too", { timeout: 180_000 }, async () => {
    const npx = startThroughNpm(["exec", "--", "orchestrate", "worker"], 0, "worker started");
    await npx.ready;
    npx.child.kill("SIGTERM");
    // npm and its shell are gone at once; the worker notices and drains.
    await npx.closed;
    expect(npx.output()).toMatch(/(SIGTERM|parent exited): finishing the tasks in hand/);
  });
});
