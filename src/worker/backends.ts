// Backends: the coding-agent commands a worker machine can run, how the operator declares
// them (ORCHESTRATE_BACKENDS), and running one of them on one task in one worktree.

import { constants, realpathSync, statSync } from "node:fs";
import { type FileHandle, mkdir, open, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { Isolation } from "./isolation/isolation.js";
import { runCommand } from "./runCommand.js";

export interface BackendConfig {
  name: string;
  /** argv; placeholders {prompt_file} {output_file} {worktree} {prompt} are filled per run. */
  command: string[];
  /** How the prompt reaches the agent (it is always also written to {prompt_file}). */
  promptVia: "stdin" | "file" | "arg";
  /** Extra environment for this backend only (e.g. a model choice). */
  env?: Record<string, string>;
  /** Per-backend cap; a run gets the smaller of this and the caller's timeout. */
  timeoutMs?: number;
  /**
   * Presets only: run before each start with the agent's environment and HOME, for what a CLI
   * needs there that its argv cannot say (files in HOME, a variable under another name). What it
   * returns is added to the agent's environment.
   */
  prepare?: (env: NodeJS.ProcessEnv, homeDir: string) => Promise<Record<string, string>>;
}

export type PresetName = "codex" | "claude" | "gemini" | "opencode";

/** Appended to Claude Code's system prompt: where its report goes, since it cannot write the file. */
export const CLAUDE_REPORT_RULE =
  "You run unattended for Orchestrate: nobody will answer a question. The work order asks for " +
  "a report in the file named by ORCHESTRATE_OUTPUT_FILE; that file is outside your working " +
  "directory, so do not try to write it. Make the report your final message instead: " +
  "Orchestrate takes your final message as the report.";

/**
 * Presets use each CLI's documented non-interactive mode. Each edits files in its working
 * directory (the task's worktree) without asking, because nobody is there to answer. Every
 * agent runs in the worker's sandbox, so a preset may also let its CLI run shell commands
 * (claude and codex do, to run the verify command; codex's own sandbox cannot work inside the
 * agent sandbox, which is what confines them). Network is the operator's choice
 * (ORCHESTRATE_SANDBOX_NETWORK names the backends that need their model API); other changes are
 * a command of their own in JSON.
 */
export const presets: Record<PresetName, BackendConfig> = {
  // `codex exec` is the scripted mode; `-` reads the prompt from stdin and
  // `--output-last-message` writes its final message where we read the report (codex writes
  // that file itself, so the path outside the worktree is no obstacle). `--skip-git-repo-check`:
  // a planner's folder is not a repository, and codex refuses to run outside one without it.
  // `--sandbox danger-full-access` turns codex's own sandbox off: our bubblewrap sandbox is the
  // isolation (only the worktree, its io folder and HOME are writable, network only when the
  // operator names codex in ORCHESTRATE_SANDBOX_NETWORK), and codex's own would nest a second
  // bubblewrap inside ours, which refuses ("setting up uid map: Operation not permitted"): under
  // workspace-write every edit and command of codex's fails, the verify command included.
  // codex reads neither OPENAI_API_KEY nor OPENAI_BASE_URL, the variables operators set for
  // every OpenAI client: prepare maps the key to CODEX_API_KEY (unless that is set) and writes
  // the base URL as `openai_base_url` into the agent's own ~/.codex/config.toml.
  codex: {
    name: "codex",
    command: [
      "codex",
      "exec",
      "--skip-git-repo-check",
      "--sandbox",
      "danger-full-access",
      "--output-last-message",
      "{output_file}",
      "-",
    ],
    promptVia: "stdin",
    prepare: prepareCodex,
  },
  // `claude -p` (print mode) takes the prompt on stdin and prints its final message on stdout
  // (`--output-format text`: the message alone, which is what becomes the report). Print mode
  // cannot ask, so only what is pre-approved runs: `--permission-mode acceptEdits` approves
  // file edits in the working directory, `--allowedTools Bash` any shell command (the verify
  // command, builds, tests) — safe because the sandbox, not Claude Code, bounds what a command
  // can reach; the root-refusing `--dangerously-skip-permissions` is not needed. Claude Code
  // will not write outside its working directory, so ORCHESTRATE_OUTPUT_FILE is out of its
  // reach: the appended system prompt tells it to make the report its final message instead.
  // `--setting-sources user` reads settings from its own (sandbox) HOME only: a repository's
  // `.claude/settings.json` could otherwise set ANTHROPIC_BASE_URL and send the operator's API
  // key to an address of its choosing, or add hooks and MCP servers.
  claude: {
    name: "claude",
    command: [
      "claude",
      "-p",
      "--permission-mode",
      "acceptEdits",
      "--allowedTools",
      "Bash",
      "--append-system-prompt",
      CLAUDE_REPORT_RULE,
      "--setting-sources",
      "user",
      "--output-format",
      "text",
    ],
    promptVia: "stdin",
  },
  // `gemini -p` is headless mode; its text is appended to what arrives on stdin, so the work
  // order goes on stdin and -p says what to do with it. `--approval-mode auto_edit` approves
  // edit tools (the older `--yolo` is deprecated and approves everything).
  gemini: {
    name: "gemini",
    command: [
      "gemini",
      "--approval-mode",
      "auto_edit",
      "-p",
      "Carry out the work order above in the current directory.",
    ],
    promptVia: "stdin",
  },
  // `opencode run <message>` is its non-interactive mode; the message is a positional argument.
  opencode: {
    name: "opencode",
    command: ["opencode", "run", "{prompt}"],
    promptVia: "arg",
  },
};

/** See the codex preset: the OpenAI variables under the names and in the file codex reads. */
async function prepareCodex(
  env: NodeJS.ProcessEnv,
  homeDir: string,
): Promise<Record<string, string>> {
  const baseUrl = env["OPENAI_BASE_URL"]?.trim();
  if (baseUrl) {
    await mkdir(join(homeDir, ".codex"), { recursive: true });
    // A JSON string is a valid TOML basic string (same quotes and escapes).
    await writeFile(
      join(homeDir, ".codex", "config.toml"),
      `openai_base_url = ${JSON.stringify(baseUrl)}\n`,
    );
  }
  const key = env["CODEX_API_KEY"] || env["OPENAI_API_KEY"];
  return key ? { CODEX_API_KEY: key } : {};
}

const PRESET_NAMES = Object.keys(presets) as PresetName[];
const ENV_NAME = "ORCHESTRATE_BACKENDS";
const EXAMPLE = `[{"name":"mine","command":["my-agent","--prompt-file","{prompt_file}"],"promptVia":"file"}]`;

const backendSchema = z
  .object({
    name: z
      .string({ error: 'name must be a string such as "codex"' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
        error: "name must be letters, digits, '.', '-' or '_' (it appears in logs and config)",
      }),
    command: z
      .array(z.string({ error: "every command word must be a string" }), {
        error: 'command must be an array of strings, e.g. ["codex","exec","-"]',
      })
      .min(1, { error: 'command must not be empty, e.g. ["codex","exec","-"]' }),
    promptVia: z
      .enum(["stdin", "file", "arg"], { error: 'promptVia must be "stdin", "file" or "arg"' })
      .default("stdin"),
    env: z
      .record(z.string(), z.string(), { error: 'env must be an object of strings, e.g. {"K":"v"}' })
      .optional(),
    timeoutMs: z
      .number({ error: "timeoutMs must be a number of milliseconds" })
      .int()
      .positive({ error: "timeoutMs must be a positive number of milliseconds" })
      .optional(),
  })
  .strict();

function describeIssues(index: number, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`));
      const hint =
        issue.code === "unrecognized_keys"
          ? " (allowed: name, command, promptVia, env, timeoutMs)"
          : "";
      return `${ENV_NAME}[${index}]${path.join("")}: ${issue.message}${hint}`;
    })
    .join("; ");
}

function preset(name: string, where: string): BackendConfig {
  const found = (presets as Record<string, BackendConfig | undefined>)[name];
  if (!found) {
    throw new Error(
      `${where}: unknown backend "${name}". Use a preset (${PRESET_NAMES.join(", ")}), ` +
        `"name=command words" for a custom command that reads the prompt on stdin, ` +
        `or a JSON array such as ${EXAMPLE}`,
    );
  }
  return { ...found, command: [...found.command] };
}

function parseJson(text: string): BackendConfig[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${ENV_NAME} looks like JSON but does not parse (${(err as Error).message}). ` +
        `Write an array such as ${EXAMPLE}`,
    );
  }
  if (!Array.isArray(data)) {
    throw new Error(`${ENV_NAME} must be a JSON array such as ${EXAMPLE}`);
  }
  return data.map((item: unknown, i) => {
    if (typeof item === "string") return preset(item.trim(), `${ENV_NAME}[${i}]`);
    const parsed = backendSchema.safeParse(item);
    if (!parsed.success) throw new Error(describeIssues(i, parsed.error));
    return parsed.data;
  });
}

function parseList(text: string): BackendConfig[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item, i) => {
      const eq = item.indexOf("=");
      if (eq < 0) return preset(item, `${ENV_NAME} item ${i + 1}`);
      const name = item.slice(0, eq).trim();
      const command = item
        .slice(eq + 1)
        .trim()
        .split(/\s+/)
        .filter((w) => w !== "");
      const parsed = backendSchema.safeParse({ name, command, promptVia: "stdin" });
      if (!parsed.success) {
        throw new Error(
          `${ENV_NAME} item ${i + 1} ("${item}"): write name=command words, e.g. mine=my-agent --fast ` +
            `(${parsed.error.issues.map((x) => x.message).join("; ")})`,
        );
      }
      return parsed.data;
    });
}

/**
 * Reads the operator's `ORCHESTRATE_BACKENDS`.
 *
 * ```text
 * ORCHESTRATE_BACKENDS tells a worker which coding agents it may run. Three forms:
 *
 *   codex,claude                      presets: codex, claude, gemini, opencode
 *   codex,mine=my-agent --fast        a preset plus a custom command (prompt on stdin;
 *                                     words split on spaces, no quoting, no commas)
 *   [{"name":"mine","command":["my-agent","--in","{prompt_file}"],"promptVia":"file",
 *     "env":{"MODEL":"large"},"timeoutMs":1800000}, "claude"]
 *                                     JSON array of objects (or preset names)
 *
 * Placeholders in command words: {prompt_file} {output_file} {worktree} {prompt}.
 * promptVia: "stdin" (default) writes the prompt to stdin; "file" appends {prompt_file} as the
 * last argument unless the command names it; "arg" passes the prompt text as the last argument
 * unless the command has {prompt}.
 *
 * Every agent runs in its sandbox, with its own repository as the working directory, and gets:
 *   ORCHESTRATE_TASK_ID      the task id
 *   ORCHESTRATE_TASK_KIND    implement | review-thread
 *   ORCHESTRATE_PROMPT_FILE  the work order (always written)
 *   ORCHESTRATE_OUTPUT_FILE  where to write its final message (the report); if it writes
 *                            nothing, the last lines of its stdout are the report
 * From the worker's environment it gets PATH, the locale, proxies and CA bundles, toolchain
 * homes, the coding agents' own variables (OPENAI_*, ANTHROPIC_*, GEMINI_*, …) and the names
 * listed in ORCHESTRATE_AGENT_ENV; never Orchestrate's secrets. No token is ever given.
 * ```
 *
 * Unset or blank gives `[]`: the caller decides whether a worker without backends may start.
 * Errors name the bad item or field and say what to write.
 */
export function parseBackends(value: string | undefined): BackendConfig[] {
  const text = value?.trim() ?? "";
  if (text === "") return [];
  const backends = text.startsWith("[") ? parseJson(text) : parseList(text);
  const seen = new Set<string>();
  for (const b of backends) {
    if (seen.has(b.name)) {
      throw new Error(
        `${ENV_NAME}: backend "${b.name}" is declared twice; give each a unique name`,
      );
    }
    seen.add(b.name);
  }
  return backends;
}

/** Variables every program expects: where programs are, the locale, the terminal, the clock. */
const BASE_NAMES = new Set([
  "PATH",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TERM",
  "USER",
  "LOGNAME",
  "SHELL",
  // Proxies and CA bundles: how an agent with network reaches its model API at all.
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  // Toolchains a verify command may need.
  "JAVA_HOME",
  "GOROOT",
  "GOPATH",
  "CARGO_HOME",
  "RUSTUP_HOME",
  // Claude Code's own settings without a prefix: its request timeout and retries, its shell
  // tool's time limits, its thinking budget.
  "API_TIMEOUT_MS",
  "BASH_DEFAULT_TIMEOUT_MS",
  "BASH_MAX_TIMEOUT_MS",
  "MAX_THINKING_TOKENS",
]);

/** The coding agents' own settings and keys (OPENAI_API_KEY, ANTHROPIC_BASE_URL, …). */
const AGENT_PREFIXES =
  /^(LC_[A-Z]+|(OPENAI|AZURE_OPENAI|ANTHROPIC|CLAUDE_CODE|CODEX|GEMINI|GOOGLE_GEMINI|GOOGLE_GENAI|GOOGLE_CLOUD|VERTEX|OPENCODE|OPENROUTER|MISTRAL|DEEPSEEK|GROQ|XAI|AWS_BEARER_TOKEN_BEDROCK)_[A-Z0-9_]+)$/;

/** Orchestrate's own secrets, never passed even when named in ORCHESTRATE_AGENT_ENV. */
const SECRET_NAMES = new Set([
  "APP_ID",
  "GITHUB_APP_ID",
  "CLIENT_ID",
  "CLIENT_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
  "WEBHOOK_PROXY_URL",
  "REDIS_URL",
  "REDIS_PASSWORD",
  "ADMIN_PASSWORD",
  "METRICS_TOKEN",
  "REDISCLI_AUTH",
  "SSH_AUTH_SOCK",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_PARAMETERS",
]);
const SECRET_PATTERNS = [
  /PRIVATE_KEY/,
  /WEBHOOK_SECRET/,
  /^ORCHESTRATE_/,
  /^(GITHUB|GH)_/,
  /^GIT_CONFIG_(KEY|VALUE)_\d+$/,
];

/**
 * The environment an agent or verify command gets from the worker's: an allowlist, since the
 * operator's environment (cloud credentials, database URLs, whatever else a machine holds) is
 * none of an agent's business. It keeps PATH, the locale, proxies and CA bundles, toolchain
 * homes, and the coding agents' own variables (OPENAI_*, ANTHROPIC_*, GEMINI_*, …); the
 * operator adds names with ORCHESTRATE_AGENT_ENV (comma-separated), or sets values per backend
 * in ORCHESTRATE_BACKENDS. Orchestrate's own secrets never pass. HOME and TMPDIR are the
 * sandbox's own, set by the caller.
 */
export function scrubbedEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const extra = new Set(
    (base["ORCHESTRATE_AGENT_ENV"] ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== ""),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (SECRET_NAMES.has(upper) || SECRET_PATTERNS.some((p) => p.test(upper))) continue;
    if (BASE_NAMES.has(key) || AGENT_PREFIXES.test(key) || extra.has(key)) env[key] = value;
  }
  // An agent's git must never stop to ask for credentials on a terminal nobody watches.
  env["GIT_TERMINAL_PROMPT"] = "0";
  return env;
}

export interface RunBackendOptions {
  worktree: string;
  prompt: string;
  taskId: string;
  taskKind: "implement" | "review-thread";
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
  return word.replace(/\{(prompt_file|output_file|worktree|prompt)\}/g, (m, key: string) => {
    return values[key] ?? m;
  });
}

function buildArgv(backend: BackendConfig, values: Record<string, string>): string[] {
  const argv = backend.command.map((w) => fill(w, values));
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
  Object.assign(env, await backend.prepare?.(env, homeDir));
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

  const written = await readOutputFile(outputFile);
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

  return {
    ok: result.exitCode === 0 && !result.timedOut && !result.aborted && spawnError === null,
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
