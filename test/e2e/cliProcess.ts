// An `orchestrate` CLI command as a real process, from the CLI compiled by test/globalSetup.ts,
// pointed at the harness's sandbox and Redis the way an operator points a machine at them.
// Each process has its own data directory (its own clones and worktrees).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Harness, WEBHOOK_SECRET } from "./harness.js";

export interface CliProcess {
  pid: number;
  /** what it printed, for a failing test's message */
  output(): string;
  exited: Promise<void>;
  /** SIGTERM (finish what is in hand), then SIGKILL if it is still there after `graceMs` */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, no clean-up of any kind; resolves once it is gone */
  kill(): Promise<void>;
}

export async function startCliProcess(
  h: Harness,
  o: {
    command: "worker" | "server";
    backends: string;
    readyWhen: string;
    env: Record<string, string>;
  },
): Promise<CliProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `orchestrate-${o.command}-`));
  // Only what a worker or server machine would have: no test runner variables leak into it.
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
    GITHUB_THROTTLE: "off",
    // The sandbox enforces GitHub's content limits: writes are paced, without the 1 s spacing.
    GITHUB_WRITE_SPACING_MS: "0",
    LOG_LEVEL: "fatal",
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, [resolve("dist/src/cli.js"), o.command], {
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
  // Whatever happens to the test, the process does not outlive the test process.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(async () => {
    process.off("exit", killOnExit);
    // A git command the killed process had started may still be writing in there for a moment.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(
      () => undefined,
    );
  });
  await new Promise<void>((ready, failed) => {
    child.stdout?.on("data", () => {
      if (output.includes(o.readyWhen)) ready();
    });
    void exited.then(() =>
      failed(new Error(`orchestrate ${o.command} exited before it started:\n${output}`)),
    );
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid ?? 0,
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
      if (!gone()) child.kill("SIGKILL");
      await exited;
    },
  };
}
