// `orchestrate server` as a real process (every role: webhooks, events, worker, poller), from the
// CLI compiled by test/globalSetup.ts, pointed at the harness's sandbox and Redis — so a test can
// SIGKILL it the way a machine dies, and start another one the way an operator would.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { type Harness, WEBHOOK_SECRET } from "../e2e/harness.js";

export interface ServerProcess {
  pid: number;
  /** where this process takes webhooks */
  webhookUrl: string;
  output(): string;
  /** SIGKILL: no clean-up of any kind */
  kill(): void;
  /** SIGKILL, then waits for the process to be gone */
  killed(): Promise<void>;
  /** SIGTERM (drain), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

export async function startServerProcess(
  h: Harness,
  o: { backends: string; env?: Record<string, string> },
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "orchestrate-server-"));
  const port = await freePort();
  // Only what a server machine would have: no test runner variables leak into it.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    APP_ID: String(h.sandbox.appId),
    PRIVATE_KEY: h.sandbox.privateKey,
    WEBHOOK_SECRET,
    GITHUB_API_URL: h.sandbox.url,
    REDIS_URL: h.redisUrl,
    ORCHESTRATE_PREFIX: h.prefix,
    ORCHESTRATE_DATA_DIR: dataDir,
    ORCHESTRATE_BACKENDS: o.backends,
    WORKER_CONCURRENCY: "2",
    HOST: "127.0.0.1",
    PORT: String(port),
    GITHUB_THROTTLE: "off",
    LOG_LEVEL: "fatal",
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, [resolve("dist/src/cli.js"), "server"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => {
    process.off("exit", killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  });
  await new Promise<void>((ready, failed) => {
    child.stdout?.on("data", () => {
      if (output.includes("Orchestrate is listening")) ready();
    });
    void exited.then(() => failed(new Error(`the server exited before it listened:\n${output}`)));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid ?? 0,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    output: () => output,
    kill() {
      if (!gone()) child.kill("SIGKILL");
    },
    async killed() {
      if (!gone()) child.kill("SIGKILL");
      await exited;
    },
    async stop(graceMs = 20_000) {
      if (gone()) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
