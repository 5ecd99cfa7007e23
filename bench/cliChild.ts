import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface CliChild {
  pid: number;
  /** the process's peak resident set so far (VmHWM in /proc/<pid>/status), KiB */
  peakRssKb(): number;
  /** what it printed, for a failing bench's message */
  output(): string;
  /** false once the process has exited, for whatever reason */
  running(): boolean;
  /** SIGTERM (it finishes what is in hand), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

// Compiled next to this file: dist/bench → dist/src/cli.js, the `orchestrate` bin.
const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));
const READY_MS = 60_000;

/**
 * `orchestrate server` or `orchestrate worker` as its own process, as the README runs them,
 * with only the environment given (plus PATH and HOME): resolves once it printed `readyWhen`.
 */
export async function startCliChild(
  command: "server" | "worker",
  env: Record<string, string>,
  readyWhen: string,
): Promise<CliChild> {
  const child: ChildProcess = spawn(process.execPath, [CLI, command], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
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
  void exited.then(() => process.off("exit", killOnExit));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (graceMs = 30_000) => {
    if (gone()) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((ready, failed) => {
      const timer = setTimeout(
        () => failed(new Error(`orchestrate ${command} did not start:\n${output}`)),
        READY_MS,
      );
      child.stdout?.on("data", () => {
        if (!output.includes(readyWhen)) return;
        clearTimeout(timer);
        ready();
      });
      void exited.then(() => {
        clearTimeout(timer);
        failed(new Error(`orchestrate ${command} exited:\n${output}`));
      });
    });
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  const pid = child.pid ?? 0;
  return {
    pid,
    peakRssKb: () => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
    },
    output: () => output,
    running: () => !gone(),
    stop,
  };
}
