import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackendConfig } from "../backendConfig.js";
import { readOpencodeOutput } from "./readOpencodeOutput.js";

/** opencode 1.18's own pick for its openai provider, pinned so a new model list cannot move it. */
export const OPENCODE_DEFAULT_MODEL = "openai/gpt-5.6-terra";

// `opencode run` is the scripted mode; with no message argument it reads the work order from
// stdin, and `--format json` prints one JSON event a line (tool calls, text, each step's tokens
// and cost), which readOpencodeOutput turns into the report, the usage and a failure behind
// exit 0. `--pure` loads no external plugins. Effort is opencode's `--variant` (the reasoning
// effort of OpenAI's models: minimal … high). The whole configuration is inline
// (OPENCODE_CONFIG_CONTENT, which wins over every config file) and the repository's own
// opencode.json, .opencode/ and AGENTS.md are not read (OPENCODE_DISABLE_PROJECT_CONFIG): a
// repository must not choose the provider, base URL, plugins or permissions that the operator's
// key is used with.
export const opencodePreset: BackendConfig = {
  name: "opencode",
  command: ["opencode", "run", "--format", "json", "--pure"],
  promptVia: "stdin",
  network: true,
  env: {
    OPENCODE_DISABLE_PROJECT_CONFIG: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    // The model list bundled with the pinned CLI, not a download from models.dev.
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    // No language servers fetched from the internet while it edits.
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_SHARE: "1",
  },
  modelArgs: ["--model", "{model}"],
  effortArgs: ["--variant", "{effort}"],
  prepare: async (env, homeDir) => {
    const config = JSON.stringify(opencodeConfig(env));
    await markPluginSdkInstalled(homeDir);
    return { OPENCODE_CONFIG_CONTENT: config };
  },
  readOutput: readOpencodeOutput,
};

/**
 * opencode's configuration for one run: only the operator's OpenAI provider (OPENAI_API_KEY,
 * which opencode's openai provider reads itself, and OPENAI_BASE_URL), never opencode's hosted
 * models, and permissions that never ask, since nobody can answer in `run` mode (an asked
 * permission is rejected and the run just stops, exit 0). Throws, naming the variable, when no
 * key is configured: without one opencode would fail only after starting, or use a hosted model.
 */
export function opencodeConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  if (!env["OPENAI_API_KEY"]?.trim()) {
    throw new Error(
      "opencode uses the operator's OpenAI API key and none is configured: set OPENAI_API_KEY " +
        "in the worker's environment (and OPENAI_BASE_URL for an endpoint other than " +
        "api.openai.com), and name opencode in ORCHESTRATE_SANDBOX_NETWORK",
    );
  }
  const baseURL = env["OPENAI_BASE_URL"]?.trim();
  return {
    $schema: "https://opencode.ai/config.json",
    enabled_providers: ["openai"],
    disabled_providers: ["opencode"],
    provider: {
      openai: {
        options: {
          ...(baseURL ? { baseURL } : {}),
          // One model request may take ten minutes (as Claude Code's default); past that it
          // fails without a retry, so an API that never answers ends the run. opencode's own
          // header timeout (five minutes) is off: it fires first and is retried, so a silent
          // API would hold the run for the whole task timeout.
          timeout: 600_000,
          headerTimeout: false,
        },
      },
    },
    model: OPENCODE_DEFAULT_MODEL,
    autoupdate: false,
    share: "disabled",
    // The title agent would ask the model (its "small model", another name) for a session title.
    agent: { title: { disable: true } },
    // Later rules win: everything is allowed (edits, the shell, files outside the worktree —
    // the sandbox is what bounds them), except a repeated identical call and questions, which
    // are refused so the model hears why and goes on; nothing is left to "ask".
    permission: {
      "*": "allow",
      edit: "allow",
      bash: "allow",
      external_directory: "allow",
      doom_loop: "deny",
      question: "deny",
    },
  };
}

/**
 * At start opencode installs its plugin SDK (@opencode-ai/plugin) into its config folder from
 * registry.npmjs.org, in the background, unless that folder's package lock already lists it.
 * No plugin is loaded here (`--pure`), so the agent's fresh HOME gets a lock that lists it and
 * opencode contacts no host but the operator's model API.
 */
async function markPluginSdkInstalled(homeDir: string): Promise<void> {
  const dir = join(homeDir, ".config", "opencode");
  await mkdir(join(dir, "node_modules"), { recursive: true });
  const dependencies = { "@opencode-ai/plugin": "*" };
  await writeFile(join(dir, "package.json"), JSON.stringify({ dependencies }));
  await writeFile(
    join(dir, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, packages: { "": { dependencies } } }),
  );
}
