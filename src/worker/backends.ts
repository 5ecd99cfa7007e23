// Running one backend (a coding-agent command) on one task in one worktree, in its sandbox.

import { constants, realpathSync, statSync } from "node:fs";
import { type FileHandle, mkdir, open, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentUsage, BackendConfig } from "./backendConfig.js";
import type { Isolation } from "./isolation/isolation.js";
import { runCommand } from "./runCommand.js";
import { scrubbedEnv } from "./scrubbedEnv.js";

export interface RunBackendOptions {
  worktree: string;
  prompt: string;
  taskId: string;
  taskKind: "implement" | "review-thread" | "ci-fix";
  /** Per-attempt folder of the operator's: agent.log, prompt.md and report.md are kept here. */
  attemptDir: string;
  /**
   * The folder the agent exchanges files through: the prompt is written there as prompt.md and
   * the agent may write its report to output.md. It is writable inside the sandbox, unlike
   * attemptDir; default: `<attemptDir>/io` (for callers whose attemptDir is the agent's anyway).
   */
  ioDir?: string;
  /** The agent's HOME, writable inside the sandbox; default: a `home` folder beside ioDir. */
  homeDir?: string;
  /** Where the command runs: bubblewrap, or the operator's unsafe opt-out. */
  isolation: Isolation;
  /** Whether the agent shares the worker's network (the operator's ORCHESTRATE_SANDBOX_NETWORK). */
  network?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Added after scrubbing (trusted: comes from the job layer, not the repository). */
  extraEnv?: Record<string, string>;
  /** Passed to runCommand; tests shorten it. */
  killGraceMs?: number;
  /** The task's model and reasoning effort, passed through the backend's modelArgs/effortArgs. */
  model?: string | undefined;
  effort?: string | undefined;
}

export interface BackendResult {
  ok: boolean;
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** The agent's final message: ORCHESTRATE_OUTPUT_FILE if written, else its last lines. */
  report: string;
  /**
   * The same message unshortened, for callers that parse it (the planner's JSON):
   * ORCHESTRATE_OUTPUT_FILE (up to 1 MiB) if written, else all of stdout's kept tail (64 KiB).
   */
  answer: string;
  /** Tail of everything it printed (for failure feedback). */
  output: string;
  logFile: string;
  durationMs: number;
  /** Set when the command could not be started at all. */
  spawnError: string | null;
  /** Tokens (and cost) the agent reported spending, when its backend reads them. */
  usage?: AgentUsage | undefined;
  /**
   * What went wrong, in the CLI's own words from its JSON output: behind an exit 0 it did not
   * finish the work (so `ok` is false); behind another exit, the error it ended with.
   */
  failure?: string | undefined;
}

const MAX_OUTPUT_BYTES = 1024 * 1024;
const MAX_REPORT_CHARS = 16_000;
const MAX_ANSWER_BYTES = 1024 * 1024;
const FALLBACK_REPORT_LINES = 40;
// Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN); stay clearly below.
const MAX_ARG_PROMPT_BYTES = 100_000;

function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-count).join("\n").slice(-MAX_REPORT_CHARS);
}

function fill(word: string, values: Record<string, string>): string {
  // One pass, so a prompt that itself contains "{worktree}" is not expanded again.
  return word.replace(
    /\{(prompt_file|output_file|worktree|prompt|model|effort)\}/g,
    (m, key: string) => values[key] ?? m,
  );
}

function buildArgv(backend: BackendConfig, values: Record<string, string>): string[] {
  const argv = [
    ...backend.command,
    // Only with a value: without one the CLI keeps its own default.
    ...(values["model"] ? (backend.modelArgs ?? []) : []),
    ...(values["effort"] ? (backend.effortArgs ?? []) : []),
  ].map((w) => fill(w, values));
  const mentions = (ph: string): boolean => backend.command.some((w) => w.includes(ph));
  if (backend.promptVia === "file" && !mentions("{prompt_file}")) argv.push(values["prompt_file"]!);
  if (backend.promptVia === "arg" && !mentions("{prompt}")) argv.push(values["prompt"]!);
  return argv;
}

/**
 * What the agent wrote to ORCHESTRATE_OUTPUT_FILE (at most MAX_ANSWER_BYTES), or "". The agent
 * controls that path: a symlink there (to a file of the worker's) is not followed, and a FIFO
 * or device is not read, so the report can only ever be what the agent wrote.
 */
async function readOutputFile(outputFile: string): Promise<string> {
  let file: FileHandle | undefined;
  try {
    file = await open(outputFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!(await file.stat()).isFile()) return "";
    const buffer = Buffer.alloc(MAX_ANSWER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, MAX_ANSWER_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString("utf8").trim();
  } catch {
    return "";
  } finally {
    await file?.close();
  }
}

/**
 * Runs one backend on one task. Never rejects for anything the agent does (fails, hangs,
 * prints megabytes, is missing from PATH); only a failure to write the attempt folder throws.
 */
export async function runBackend(
  backend: BackendConfig,
  o: RunBackendOptions,
): Promise<BackendResult> {
  const ioDir = o.ioDir ?? join(o.attemptDir, "io");
  const homeDir = o.homeDir ?? join(dirname(ioDir), "home");
  const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
  if ([o.worktree, ioDir, homeDir].some((w) => w !== ioDir && under(o.attemptDir, w))) {
    // The operator's log folder inside a folder the agent writes would let it plant links there.
    throw new Error(`attemptDir ${o.attemptDir} must not lie inside the agent's folders`);
  }
  await mkdir(o.attemptDir, { recursive: true });
  await mkdir(ioDir, { recursive: true });
  await mkdir(homeDir, { recursive: true });
  const promptFile = join(ioDir, "prompt.md");
  const outputFile = join(ioDir, "output.md");
  const logFile = join(o.attemptDir, "agent.log");
  await writeFile(promptFile, o.prompt);
  if (ioDir !== o.attemptDir) await writeFile(join(o.attemptDir, "prompt.md"), o.prompt);
  await rm(outputFile, { force: true });

  const values = {
    prompt_file: promptFile,
    output_file: outputFile,
    worktree: o.worktree,
    prompt: o.prompt,
    ...(o.model ? { model: o.model } : {}),
    ...(o.effort ? { effort: o.effort } : {}),
  };
  const argv = buildArgv(backend, values);
  const shown = argv.map((w) => (w === o.prompt ? "<prompt>" : JSON.stringify(w))).join(" ");
  await writeFile(
    logFile,
    `$ ${shown}\n[orchestrate: sandbox ${o.isolation.name}${o.network ? ", network on" : ""}]\n`,
    { flag: "a" },
  );

  const failEarly = (report: string): BackendResult => ({
    ok: false,
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    report,
    answer: "",
    output: report,
    logFile,
    durationMs: 0,
    spawnError: report,
  });
  if (backend.promptVia === "arg" && Buffer.byteLength(o.prompt) > MAX_ARG_PROMPT_BYTES) {
    return failEarly(
      `backend ${backend.name}: the prompt (${Buffer.byteLength(o.prompt)} bytes) is too long to ` +
        `pass as an argument; declare it with promptVia "stdin" or "file"`,
    );
  }

  const writable = [o.worktree, ioDir, homeDir];
  const env: NodeJS.ProcessEnv = { ...scrubbedEnv(process.env), ...backend.env, ...o.extraEnv };
  try {
    Object.assign(env, await backend.prepare?.(env, homeDir));
  } catch (error) {
    // A preset's check of the operator's setup (a missing key): the attempt fails saying so.
    return failEarly(`backend ${backend.name}: ${(error as Error).message}`);
  }
  const sandboxed = o.isolation.wrap({
    argv,
    cwd: o.worktree,
    env: {
      ...env,
      HOME: homeDir,
      ORCHESTRATE_TASK_ID: o.taskId,
      ORCHESTRATE_TASK_KIND: o.taskKind,
      ORCHESTRATE_PROMPT_FILE: promptFile,
      ORCHESTRATE_OUTPUT_FILE: outputFile,
    },
    writable,
    readOnly: programFiles(argv, writable),
    network: o.network ?? false,
  });
  const timeoutMs = Math.min(o.timeoutMs, backend.timeoutMs ?? Number.POSITIVE_INFINITY);
  const result = await runCommand({
    argv: sandboxed.argv,
    cwd: o.worktree,
    env: sandboxed.env,
    ...(backend.promptVia === "stdin" ? { stdin: o.prompt } : {}),
    timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    logFile,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}),
  });

  const read = backend.readOutput?.(result.stdout) ?? {};
  const written = (await readOutputFile(outputFile)) || (read.report?.trim() ?? "");
  const answer = written !== "" ? written : result.stdout.trim();
  let report = written.slice(0, MAX_REPORT_CHARS);
  const notFound = o.isolation.sandboxed ? sandboxExecFailure(result.output) : null;
  const spawnError = result.spawnError ?? notFound;
  if (spawnError !== null) {
    report = `backend ${backend.name}: could not start ${JSON.stringify(argv[0])} (${spawnError}); is it installed on this worker and on PATH?`;
    if (notFound !== null) {
      report += ` Inside the sandbox only /usr, Node.js's own directory and ORCHESTRATE_SANDBOX_READ_ONLY are visible: add the program's directory there.`;
    }
  } else if (report === "") {
    report = lastLines(
      result.stdout.trim() !== "" ? result.stdout : result.output,
      FALLBACK_REPORT_LINES,
    );
  }
  await writeFile(join(o.attemptDir, "report.md"), `${report}\n`);

  const failure = read.failure;
  // A CLI that names no model (codex) used the one it was given.
  const usage = read.usage && { ...read.usage, model: read.usage.model ?? o.model };
  return {
    ok:
      result.exitCode === 0 &&
      !result.timedOut &&
      !result.aborted &&
      spawnError === null &&
      failure === undefined,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    aborted: result.aborted,
    report,
    answer,
    output: result.output,
    logFile,
    durationMs: result.durationMs,
    spawnError,
    ...(usage ? { usage } : {}),
    ...(failure !== undefined ? { failure } : {}),
  };
}

/** bubblewrap's own line when the program is not there inside the sandbox. */
function sandboxExecFailure(output: string): string | null {
  const m = /^bwrap: execvp (.*): (No such file or directory|Permission denied)$/m.exec(output);
  return m ? `${m[2]} inside the sandbox` : null;
}

/**
 * Files the command names by absolute path (the program, a script it runs), bound read-only so
 * `["node","/opt/agents/mine.mjs"]` works in the sandbox; a bare program name is looked up on
 * PATH the same way. Paths under the writable folders are left to those.
 */
function programFiles(argv: readonly string[], writable: readonly string[]): string[] {
  const files: string[] = [];
  const words = [...argv];
  const first = argv[0];
  if (first && !first.includes("/")) {
    for (const dir of (process.env["PATH"] ?? "").split(":")) {
      const candidate = join(dir, first);
      if (dir.startsWith("/") && isFile(candidate)) {
        words.push(candidate, safeRealpath(candidate));
        break;
      }
    }
  }
  for (const word of words) {
    if (!word.startsWith("/") || !isFile(word)) continue;
    if (writable.some((w) => word === w || word.startsWith(`${w}/`))) continue;
    if (!files.includes(word)) files.push(word);
  }
  return files;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
