// What a backend is: the command a worker runs for a coding agent, and what the agent's own
// output can tell about its work (the report, the tokens it spent).

export interface BackendConfig {
  name: string;
  /**
   * argv; placeholders {prompt_file} {output_file} {worktree} {prompt} are filled per run, and
   * {model} {effort} when the task has them (see modelArgs).
   */
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
  /**
   * Words added after `command` when the task (or the repository's default for this backend)
   * names a model, with `{model}` filled: `["--model", "{model}"]`. Without a model they are left
   * out and the CLI uses its own default.
   */
  modelArgs?: string[];
  /** The same for a reasoning effort (`{effort}`): `["--effort", "{effort}"]`. */
  effortArgs?: string[];
  /**
   * Shares the worker's network unless the operator's ORCHESTRATE_SANDBOX_NETWORK says
   * otherwise: the presets, whose CLI cannot work without its model API.
   */
  network?: boolean;
  /** Presets only: reads the CLI's stdout (a JSON output mode) for the report and usage. */
  readOutput?: (stdout: string) => AgentOutput;
}

export type PresetName = "codex" | "claude" | "gemini" | "opencode";

/** Tokens an attempt spent, as the CLI reported them; cost where the CLI or a price table says. */
export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  /** US dollars, when the CLI reports it or the operator's price table knows the model */
  costUsd?: number | undefined;
  /** the model the CLI said it used */
  model?: string | undefined;
}

/** What a preset reads from its CLI's stdout (a JSON output mode) after the run. */
export interface AgentOutput {
  /** the agent's final message; replaces stdout's tail as the report when set */
  report?: string | undefined;
  usage?: AgentUsage | undefined;
  /**
   * Why the run failed, in the CLI's own words (an API error, a refused permission): after
   * exit 0 it makes the attempt a failure, and after any exit it is the failure's cause.
   */
  failure?: string | undefined;
}
