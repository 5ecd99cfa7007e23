// How the operator declares the backends a worker may run (ORCHESTRATE_BACKENDS).

import { z } from "zod";
import type { BackendConfig, PresetName } from "./backendConfig.js";
import { presets } from "./presets/presets.js";

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
    modelArgs: z
      .array(z.string({ error: "every modelArgs word must be a string" }), {
        error: 'modelArgs must be an array of strings, e.g. ["--model","{model}"]',
      })
      .optional(),
    effortArgs: z
      .array(z.string({ error: "every effortArgs word must be a string" }), {
        error: 'effortArgs must be an array of strings, e.g. ["--effort","{effort}"]',
      })
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
          ? " (allowed: name, command, promptVia, env, modelArgs, effortArgs, timeoutMs)"
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
 * Placeholders in command words: {prompt_file} {output_file} {worktree} {prompt} {model} {effort}.
 * "modelArgs"/"effortArgs" (JSON form) are words added only when the task has a model / effort,
 * e.g. "modelArgs":["--model","{model}"]; without one the agent keeps its own default.
 * promptVia: "stdin" (default) writes the prompt to stdin; "file" appends {prompt_file} as the
 * last argument unless the command names it; "arg" passes the prompt text as the last argument
 * unless the command has {prompt}.
 *
 * Every agent runs in its sandbox, with its own repository as the working directory, and gets:
 *   ORCHESTRATE_TASK_ID      the task id
 *   ORCHESTRATE_TASK_KIND    implement | review-thread | ci-fix
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
