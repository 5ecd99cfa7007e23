import type { AgentOutput } from "../backendConfig.js";

// `codex exec --json` prints one event per line (codex 0.171): `item.completed` items (an
// `agent_message` holds a message of the agent's), `turn.completed` with the turn's `usage`
// (`input_tokens`, of which `cached_input_tokens` were cached; `output_tokens`, of which
// `reasoning_output_tokens` were reasoning), and `turn.failed` with the error that ended it.
// `error` events are its reconnect attempts, not the end. It names no model and no cost.

interface CodexEvent {
  type?: string;
  item?: { type?: string; text?: unknown };
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
  error?: { message?: unknown };
}

const n = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/** The last message, the tokens of every turn and a failed turn's error in codex's events. */
export function readCodexOutput(stdout: string): AgentOutput {
  let report: string | undefined;
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  let failure: string | undefined;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: CodexEvent;
    try {
      event = JSON.parse(line) as CodexEvent;
    } catch {
      continue;
    }
    if (event.type === "item.completed" && event.item?.type === "agent_message") {
      if (typeof event.item.text === "string") report = event.item.text;
    } else if (event.type === "turn.completed") {
      usage = {
        inputTokens: (usage?.inputTokens ?? 0) + n(event.usage?.input_tokens),
        outputTokens: (usage?.outputTokens ?? 0) + n(event.usage?.output_tokens),
      };
    } else if (event.type === "turn.failed") {
      const message = event.error?.message;
      failure = typeof message === "string" && message !== "" ? message : "the turn failed";
    }
  }
  return {
    ...(report !== undefined ? { report } : {}),
    ...(usage ? { usage } : {}),
    ...(failure !== undefined ? { failure } : {}),
  };
}
