import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackendConfig } from "../backendConfig.js";
import { readGeminiStream } from "./readGeminiStream.js";

/** Where gemini-cli sends its requests when the operator names no other base URL. */
const GOOGLE_API = "https://generativelanguage.googleapis.com";

// `gemini -p` is headless mode; its text is appended to what arrives on stdin, so the work
// order goes on stdin and -p says what to do with it. Every worktree is a new folder, which
// headless gemini refuses as untrusted (exit 55): `--skip-trust` trusts it for the run.
// `--approval-mode auto_edit` approves file edits inside the worktree; in headless mode it
// denies the shell tool, so a policy rule in the agent's own HOME allows `run_shell_command`
// (the sandbox, not gemini-cli, bounds what a command reaches). That is narrower than `yolo`:
// skills, MCP and discovered tools a repository declares stay denied, and gemini-cli's own
// "dangerous" ratings still refuse a few commands run on their own (rm -f/-rf, find -exec or
// -delete, ln -s, git -c). `--output-format stream-json` prints one JSON event a line on
// stdout, the result (usage, or the API error) included, for readGeminiStream; `json` would
// print an API error on stderr and run every turn's text into one response. There is no
// reasoning-effort flag or variable (only a settings file per model), so no effortArgs. No
// timeoutMs either: gemini-cli bounds a silent API itself (a 60 s header timeout per request,
// and the attempts below).
export const geminiPreset: BackendConfig = {
  name: "gemini",
  command: [
    "gemini",
    "--skip-trust",
    "--approval-mode",
    "auto_edit",
    "--output-format",
    "stream-json",
    "-p",
    "Carry out the work order above in the current directory. Your final message is your report.",
  ],
  promptVia: "stdin",
  network: true,
  prepare: prepareGemini,
  modelArgs: ["--model", "{model}"],
  readOutput: readGeminiStream,
};

/**
 * gemini-cli's user settings, in the agent's own HOME. With GOOGLE_GEMINI_BASE_URL set it
 * would choose its "gateway" auth, which headless mode refuses: the API key is chosen by name.
 * Usage statistics, telemetry, update checks and IDE integration would reach beyond the model
 * API. `maxAttempts` 3 (of 10) bounds one run: a rate limit fails it after about 15 s of
 * backoff instead of 4 minutes, a silent API after about 3.3 minutes instead of 13, and the
 * task's next attempt tries again later.
 */
const SETTINGS = {
  security: { auth: { selectedType: "gemini-api-key" } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  ide: { enabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, maxAttempts: 3 },
};

/** A user-tier policy rule: above the default tier's headless "deny" of the shell tool. */
const SHELL_POLICY = `[[rule]]
toolName = "run_shell_command"
decision = "allow"
priority = 100
`;

async function prepareGemini(
  env: NodeJS.ProcessEnv,
  homeDir: string,
): Promise<Record<string, string>> {
  const dir = join(homeDir, ".gemini");
  await mkdir(join(dir, "policies"), { recursive: true });
  await writeFile(join(dir, "settings.json"), `${JSON.stringify(SETTINGS, null, 2)}\n`);
  await writeFile(join(dir, "policies", "orchestrate.toml"), SHELL_POLICY);
  return {
    // Its settings are read from here, whatever GEMINI_CLI_HOME the worker has.
    GEMINI_CLI_HOME: homeDir,
    // Set, so a repository's .gemini/.env (read in a trusted folder, never overriding a set
    // variable) cannot send the key somewhere else.
    GOOGLE_GEMINI_BASE_URL: env["GOOGLE_GEMINI_BASE_URL"]?.trim() || GOOGLE_API,
  };
}
