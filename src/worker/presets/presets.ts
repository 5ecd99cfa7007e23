import type { BackendConfig, PresetName } from "../backendConfig.js";
import { claudePreset } from "./claudePreset.js";
import { codexPreset } from "./codexPreset.js";
import { geminiPreset } from "./geminiPreset.js";
import { opencodePreset } from "./opencodePreset.js";

/**
 * Presets use each CLI's documented non-interactive mode. Each edits files in its working
 * directory (the task's worktree) without asking, because nobody is there to answer. Every
 * agent runs in the worker's sandbox, so a preset may also let its CLI run shell commands
 * (claude, codex and opencode do, to run the verify command; codex's own sandbox cannot work inside the
 * agent sandbox, which is what confines them). Network is the operator's choice
 * (ORCHESTRATE_SANDBOX_NETWORK names the backends that need their model API); other changes are
 * a command of their own in JSON.
 */
export const presets: Record<PresetName, BackendConfig> = {
  codex: codexPreset,
  claude: claudePreset,
  gemini: geminiPreset,
  opencode: opencodePreset,
};
