import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type FromChild, isFromChild, type ToChild, type WorkerMode } from "./workerMessages.js";

export type WorkerReport = Extract<FromChild, { type: "stopped" }>;

export interface WorkerChild {
  pid: number;
  /** resolves when the child is connected to Redis and waits for go() */
  ready: Promise<void>;
  /** tells the child to start its task worker; resolves when it has */
  go(): Promise<void>;
  /** false once the process has exited, for whatever reason */
  running(): boolean;
  /**
   * Graceful stop (jobs in hand finish), then its report; killed if it does not exit in time.
   * Calling it again returns the same report.
   */
  stop(): Promise<WorkerReport>;
}

// Compiled next to this file: dist/bench/workerProcess.js.
const SCRIPT = fileURLToPath(new URL("./workerProcess.js", import.meta.url));
const STOP_GRACE_MS = 30_000;

/** Forks one bench worker process (bench/workerProcess.ts). */
export function forkWorker(
  redisUrl: string,
  prefix: string,
  concurrency: number,
  mode: WorkerMode,
): WorkerChild {
  const child = fork(SCRIPT, [redisUrl, prefix, String(concurrency), mode], {
    // Not the parent's node flags (a profiler, --input-type…): each worker is a plain node.
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const ready = awaitMessage(child, "ready");
  const started = awaitMessage(child, "started");
  const report = new Promise<WorkerReport>((done, fail) => {
    child.on("message", (m: unknown) => {
      if (isFromChild(m) && m.type === "stopped") done(m);
    });
    child.once("exit", (code, signal) =>
      fail(new Error(`bench worker ${child.pid} exited (${code ?? signal}) without a report`)),
    );
  });
  // Whoever awaits none of them must not crash the bench with an unhandled rejection.
  for (const p of [ready, started, report]) p.catch(() => undefined);

  let stopped: Promise<WorkerReport> | null = null;
  async function stop(): Promise<WorkerReport> {
    send(child, { type: "stop" });
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    try {
      const result = await report;
      await exited;
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    pid: child.pid ?? 0,
    ready,
    go() {
      send(child, { type: "go" });
      return started;
    },
    running: () => child.exitCode === null && child.signalCode === null,
    stop() {
      stopped ??= stop();
      return stopped;
    },
  };
}

function awaitMessage(child: ChildProcess, type: "ready" | "started"): Promise<void> {
  return new Promise<void>((done, fail) => {
    child.on("message", (m: unknown) => {
      if (isFromChild(m) && m.type === type) done();
    });
    child.once("exit", (code, signal) =>
      fail(new Error(`bench worker ${child.pid} exited (${code ?? signal}) before "${type}"`)),
    );
  });
}

function send(child: ChildProcess, message: ToChild): void {
  if (child.connected) child.send(message);
}
