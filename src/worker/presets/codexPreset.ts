import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackendConfig } from "../backendConfig.js";
import { readCodexOutput } from "./readCodexOutput.js";

// `codex exec` is the scripted mode; `-` reads the prompt from stdin and
// `--output-last-message` writes its final message where we read the report (codex writes
// that file itself, so the path outside the worktree is no obstacle). `--json` prints its events
// on stdout, where readCodexOutput finds the tokens it spent and a failed turn. `--skip-git-repo-check`:
// a planner's folder is not a repository, and codex refuses to run outside one without it.
// `--sandbox danger-full-access` turns codex's own sandbox off: our bubblewrap sandbox is the
// isolation (only the worktree, its io folder and HOME are writable, network only when the
// operator names codex in ORCHESTRATE_SANDBOX_NETWORK), and codex's own would nest a second
// bubblewrap inside ours, which refuses ("setting up uid map: Operation not permitted"): under
// workspace-write every edit and command of codex's fails, the verify command included.
// codex reads neither OPENAI_API_KEY nor OPENAI_BASE_URL, the variables operators set for
// every OpenAI client: prepare maps the key to CODEX_API_KEY (unless that is set) and writes
// the base URL as a model provider of its own into the agent's own ~/.codex/config.toml.
export const codexPreset: BackendConfig = {
  name: "codex",
  command: [
    "codex",
    "exec",
    "--json",
    "--skip-git-repo-check",
    "--sandbox",
    "danger-full-access",
    "--output-last-message",
    "{output_file}",
    "-",
  ],
  promptVia: "stdin",
  network: true,
  prepare: prepareCodex,
  modelArgs: ["-m", "{model}"],
  // `-c` values are TOML: a quoted string, e.g. model_reasoning_effort="high".
  effortArgs: ["-c", 'model_reasoning_effort="{effort}"'],
  readOutput: readCodexOutput,
};

/** See the codex preset: the OpenAI variables under the names and in the file codex reads. */
async function prepareCodex(
  env: NodeJS.ProcessEnv,
  homeDir: string,
): Promise<Record<string, string>> {
  const key = env["CODEX_API_KEY"] || env["OPENAI_API_KEY"];
  const baseUrl = env["OPENAI_BASE_URL"]?.trim();
  if (baseUrl) {
    await mkdir(join(homeDir, ".codex"), { recursive: true });
    // A provider of its own rather than `openai_base_url`: codex opens OpenAI's Responses
    // WebSocket first and falls back to HTTP only after seven refused handshakes (about 6 s
    // per attempt), and the endpoints operators name (gateways, proxies, Azure) speak HTTP.
    // A JSON string is a valid TOML basic string (same quotes and escapes).
    await writeFile(
      join(homeDir, ".codex", "config.toml"),
      [
        'model_provider = "orchestrate"',
        "[model_providers.orchestrate]",
        'name = "OpenAI at OPENAI_BASE_URL"',
        `base_url = ${JSON.stringify(baseUrl)}`,
        'wire_api = "responses"',
        'env_key = "CODEX_API_KEY"',
        "supports_websockets = false",
        "",
      ].join("\n"),
    );
  }
  return key ? { CODEX_API_KEY: key } : {};
}
