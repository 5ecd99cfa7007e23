// Runs one external command (an agent, a verify script) the way a worker must: in its own
// process group so a timeout or a stop kills everything it started, with bounded memory
// whatever it prints, and with the whole output kept on disk for the attempt's log.

import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";

export interface RunCommandOptions {
  /** Program and arguments; no shell is involved. */
  argv: readonly string[];
  cwd: string;
  /** The child's whole environment (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Without it stdin is /dev/null. */
  stdin?: string;
  timeoutMs: number;
  /** How much of the merged stdout+stderr to keep in memory: the LAST bytes win. */
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** The whole output is appended here (up to maxLogBytes). */
  logFile?: string;
  /** Time between SIGTERM and SIGKILL of the process group. Default 3000 ms. */
  killGraceMs?: number;
  /** Cap on what one run appends to logFile, so a runaway agent cannot fill the disk. Default 256 MiB. */
  maxLogBytes?: number;
}

export interface RunCommandResult {
  /** null when the process was ended by a signal or never started. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** Tail of stdout and stderr interleaved as they arrived (at most maxOutputBytes). */
  output: string;
  /** Tail of stdout alone (at most 64 KiB): where CLIs print their final answer. */
  stdout: string;
  /** Bytes the command printed in total, kept or not. */
  totalBytes: number;
  durationMs: number;
  /** Why the program could not be started (e.g. "spawn codex ENOENT"), else null. */
  spawnError: string | null;
}

const STDOUT_TAIL_BYTES = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 3000;
const DEFAULT_MAX_LOG_BYTES = 256 * 1024 * 1024;

/**
 * Live commands by process-group id. A worker that is told to stop can end every agent and
 * verify it started with {@link killAllCommands}; callers that keep an AbortController per
 * attempt can use `signal` instead — both kill the whole group the same way.
 */
const live = new Map<number, () => void>();

/** Terminates every running command's process group (SIGTERM, then SIGKILL). Returns how many. */
export function killAllCommands(): number {
  const stops = [...live.values()];
  for (const stop of stops) stop();
  return stops.length;
}

/** Keeps the last `limit` bytes of a stream without ever holding more than ~limit + one chunk. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  toString(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the process group the child leads (it was spawned detached).
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every process of the group is gone — or the child has not made its group yet
    // (a stop right after the spawn, before its setsid): then the child itself.
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Appends to a log file with backpressure, so a fast printer is slowed instead of buffered. */
class LogSink {
  private readonly stream: WriteStream;
  private written = 0;
  private broken = false;
  private truncated = false;
  private readonly paused = new Set<Readable>();

  constructor(
    path: string,
    private readonly maxBytes: number,
  ) {
    this.stream = createWriteStream(path, { flags: "a" });
    this.stream.on("error", () => {
      // A log that cannot be written must not fail the command; the in-memory tail remains.
      this.broken = true;
      this.resumeAll();
    });
    this.stream.on("drain", () => this.resumeAll());
  }

  write(chunk: Buffer, source: Readable): void {
    if (this.broken || this.truncated) return;
    const room = this.maxBytes - this.written;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.written += part.length;
    let ok = this.stream.write(part);
    if (part.length < chunk.length) {
      this.truncated = true;
      ok = this.stream.write(`\n[orchestrate: log truncated after ${this.maxBytes} bytes]\n`);
    }
    if (!ok) {
      source.pause();
      this.paused.add(source);
    }
  }

  private resumeAll(): void {
    for (const source of this.paused) source.resume();
    this.paused.clear();
  }

  close(): Promise<void> {
    this.resumeAll();
    return new Promise((resolve) => {
      if (this.broken || this.stream.destroyed) return resolve();
      this.stream.once("close", () => resolve());
      this.stream.once("error", () => resolve());
      this.stream.end();
    });
  }
}

/**
 * Runs `argv` and resolves when it has ended — normally, by timeout, or by abort — never
 * rejects. The child leads its own process group (`detached: true`); on timeout or abort the
 * whole group gets SIGTERM and, after `killGraceMs`, SIGKILL, so grandchildren die too. When the
 * leader exits by itself, anything it left running in its group is killed as well.
 */
export async function runCommand(o: RunCommandOptions): Promise<RunCommandResult> {
  const started = performance.now();
  const grace = o.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const [program, ...args] = o.argv;
  const base = {
    exitCode: null,
    signal: null,
    output: "",
    stdout: "",
    totalBytes: 0,
    timedOut: false,
  };
  if (program === undefined) {
    return { ...base, aborted: false, durationMs: 0, spawnError: "empty argv" };
  }
  if (o.signal?.aborted) {
    return { ...base, aborted: true, durationMs: 0, spawnError: null };
  }

  const tail = new TailBuffer(o.maxOutputBytes);
  const stdoutTail = new TailBuffer(Math.min(STDOUT_TAIL_BYTES, o.maxOutputBytes));
  const log = o.logFile ? new LogSink(o.logFile, o.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES) : null;
  let totalBytes = 0;
  let timedOut = false;
  let aborted = false;
  let spawnError: string | null = null;
  let exitCode: number | null = null;
  let exitSignal: string | null = null;

  const child: ChildProcess = spawn(program, args, {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: [o.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const pid = child.pid;

  const timers: NodeJS.Timeout[] = [];
  let terminating = false;
  const terminate = (): void => {
    if (terminating || pid === undefined) return;
    terminating = true;
    killGroup(pid, "SIGTERM");
    timers.push(setTimeout(() => killGroup(pid, "SIGKILL"), grace));
  };
  if (pid !== undefined) live.set(pid, terminate);

  const onAbort = (): void => {
    aborted = true;
    terminate();
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  timers.push(
    setTimeout(() => {
      timedOut = true;
      terminate();
    }, o.timeoutMs),
  );

  const collect =
    (source: Readable, isStdout: boolean) =>
    (chunk: Buffer): void => {
      totalBytes += chunk.length;
      tail.push(chunk);
      if (isStdout) stdoutTail.push(chunk);
      log?.write(chunk, source);
    };
  if (child.stdout) child.stdout.on("data", collect(child.stdout, true));
  if (child.stderr) child.stderr.on("data", collect(child.stderr, false));
  if (child.stdin) {
    // The agent may exit without reading its prompt; EPIPE then is expected, not a failure.
    child.stdin.on("error", () => {});
    child.stdin.end(o.stdin);
  }

  await new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve();
    };
    child.once("error", (err) => {
      if (pid === undefined) {
        spawnError = err.message;
        finish();
      }
    });
    child.once("exit", (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      // Something the leader left behind may still hold our pipes open: give it the grace
      // period, then kill the group; a process that escaped the group (setsid) cannot be
      // killed from here, so stop waiting for its pipes a moment later.
      timers.push(
        setTimeout(() => {
          if (pid !== undefined) killGroup(pid, "SIGKILL");
          timers.push(
            setTimeout(() => {
              child.stdout?.destroy();
              child.stderr?.destroy();
              finish();
            }, 1000),
          );
        }, grace),
      );
    });
    child.once("close", () => finish());
  });

  for (const t of timers) clearTimeout(t);
  o.signal?.removeEventListener("abort", onAbort);
  if (pid !== undefined) {
    live.delete(pid);
    // Leftovers of the group (background jobs that closed their stdio) do not outlive the run.
    killGroup(pid, "SIGKILL");
  }
  await log?.close();

  return {
    exitCode,
    signal: exitSignal,
    timedOut,
    aborted,
    output: tail.toString(),
    stdout: stdoutTail.toString(),
    totalBytes,
    durationMs: Math.round(performance.now() - started),
    spawnError,
  };
}
