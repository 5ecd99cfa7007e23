import type { BackendConfig } from "../backendConfig.js";
import { readClaudeOutput } from "./readClaudeOutput.js";

/** Appended to Claude Code's system prompt: where its report goes, since it cannot write the file. */
export const CLAUDE_REPORT_RULE =
  "You run unattended for Orchestrate: nobody answers while you work (the work order says how " +
  "to ask a maintainer instead). Do not write your report to a file, not even the one named " +
  "by ORCHESTRATE_OUTPUT_FILE, which is outside your working directory: Orchestrate takes " +
  "your final message as the report.";

/** Claude Code retries a failed request 10 times by default, a refused key included. */
const DEFAULT_MAX_RETRIES = "3";

// `claude -p` (print mode) takes the prompt on stdin and prints one JSON result when it ends
// (`--output-format json`): its final message, which becomes the report, the tokens and cost it
// spent, and whether it failed (see readClaudeOutput). Print mode
// cannot ask, so only what is pre-approved runs: `--permission-mode acceptEdits` approves
// file edits in the working directory, `--allowedTools Bash` any shell command (the verify
// command, builds, tests) — safe because the sandbox, not Claude Code, bounds what a command
// can reach; the root-refusing `--dangerously-skip-permissions` is not needed. Claude Code
// will not write outside its working directory, so ORCHESTRATE_OUTPUT_FILE is out of its
// reach: the appended system prompt tells it to make the report its final message instead.
// `--setting-sources user` reads settings from its own (sandbox) HOME only: a repository's
// `.claude/settings.json` could otherwise set ANTHROPIC_BASE_URL and send the operator's API
// key to an address of its choosing, or add hooks and MCP servers.
export const claudePreset: BackendConfig = {
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
    "json",
  ],
  promptVia: "stdin",
  network: true,
  modelArgs: ["--model", "{model}"],
  // low, medium, high, xhigh or max (Claude Code 2.1.197); sent to the models that take one.
  effortArgs: ["--effort", "{effort}"],
  readOutput: readClaudeOutput,
  // Fewer retries than Claude Code's ten (minutes of backoff on a key that will never work),
  // unless the operator chose: a lasting failure ends the attempt in seconds, with its cause.
  prepare: async (env) => ({
    CLAUDE_CODE_MAX_RETRIES: env["CLAUDE_CODE_MAX_RETRIES"]?.trim() || DEFAULT_MAX_RETRIES,
  }),
};
