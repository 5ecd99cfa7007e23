// `orchestrate worker` as a real process, started from the CLI compiled by test/globalSetup.ts
// and pointed at the harness's sandbox and Redis queues, the way an operator starts one more
// worker machine. Each has its own data directory (its own clones and worktrees).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Harness, WEBHOOK_SECRET } from "./harness.js";

export interface WorkerProcess {
  pid: number;
  /** what it printed, for a failing test's message */
  output(): string;
  /** SIGTERM (finish what is in hand), then SIGKILL if it is still there after `graceMs` */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, no clean-up of any kind */
  kill(): Promise<void>;
  exited: Promise<void>;
}

export async function startWorkerProcess(
  h: Harness,
  o: { backends: string; concurrency?: number; env?: Record<string, string> },
): Promise<WorkerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "orchestrate-worker-"));
  // Only what a worker machine would have: no test runner variables leak into it.
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
    WORKER_CONCURRENCY: String(o.concurrency ?? 1),
    GITHUB_THROTTLE: "off",
    LOG_LEVEL: "fatal",
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, [resolve("dist/src/cli.js"), "worker"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  // Whatever happens to the test, the worker does not outlive the test process.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => {
    process.off("exit", killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  });
  await new Promise<void>((ready, failed) => {
    const check = () => {
      if (output.includes("Orchestrate worker started")) ready();
    };
    child.stdout?.on("data", check);
    void exited.then(() => failed(new Error(`the worker exited before it started:\n${output}`)));
  });
  const pid = child.pid ?? 0;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid,
    output: () => output,
    exited,
    async stop(graceMs = 20_000) {
      if (gone()) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (gone()) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
