// What `opencode run --format json` printed: one event a line — step_start, tool_use, text,
// step_finish (the step's reason, tokens and cost), error.

import type { AgentOutput, AgentUsage } from "../backendConfig.js";

interface Part {
  type?: string;
  text?: string;
  tool?: string;
  reason?: string;
  cost?: number;
  tokens?: {
    input?: number;
    output?: number;
    reasoning?: number;
    cache?: { read?: number; write?: number };
  };
  state?: { status?: string; error?: string };
}

interface Event {
  type?: string;
  part?: Part;
  error?: { name?: string; data?: { message?: string; statusCode?: number } };
}

/** opencode's words for a tool call its permission rules stopped (asked and auto-rejected). */
const REJECTED = /rejected permission/i;

/**
 * The final message is the report: the text of the last step that wrote any. A run whose last
 * step did not end with the model's answer ("stop") did not finish, even when opencode exits 0:
 * an asked permission is auto-rejected in `run` mode and the run simply stops there.
 */
export function readOpencodeOutput(stdout: string): AgentOutput {
  let stepTexts: string[] = [];
  let lastTexts: string[] = [];
  let lastReason: string | undefined;
  let rejected: string | undefined;
  let error: string | undefined;
  const usage: AgentUsage = { inputTokens: 0, outputTokens: 0 };
  let steps = 0;
  let cost: number | undefined;
  for (const line of stdout.split("\n")) {
    const event = parse(line);
    const part = event?.part;
    switch (event?.type) {
      case "step_start":
        stepTexts = [];
        break;
      case "text":
        if (part?.text?.trim()) {
          stepTexts.push(part.text.trim());
          lastTexts = stepTexts;
        }
        break;
      case "tool_use":
        if (part?.state?.status === "error" && REJECTED.test(part.state.error ?? "")) {
          rejected = `${part.tool ?? "a tool"}: ${part.state.error}`;
        }
        break;
      case "step_finish": {
        steps++;
        lastReason = part?.reason;
        const t = part?.tokens;
        usage.inputTokens += (t?.input ?? 0) + (t?.cache?.read ?? 0) + (t?.cache?.write ?? 0);
        usage.outputTokens += (t?.output ?? 0) + (t?.reasoning ?? 0);
        if (typeof part?.cost === "number") cost = (cost ?? 0) + part.cost;
        break;
      }
      case "error": {
        const data = event.error?.data;
        error = [event.error?.name, data?.statusCode, data?.message].filter(Boolean).join(": ");
        break;
      }
    }
  }
  const report = lastTexts.length > 0 ? lastTexts.join("\n\n") : undefined;
  return {
    ...(report !== undefined ? { report } : {}),
    ...(steps > 0 ? { usage: cost !== undefined ? { ...usage, costUsd: cost } : usage } : {}),
    ...(stopped(lastReason, rejected, error) ?? {}),
  };
}

function stopped(
  reason: string | undefined,
  rejected: string | undefined,
  error: string | undefined,
): { failure: string } | undefined {
  if (error) return { failure: `it reported an error: ${error}` };
  if (rejected) {
    return {
      failure:
        `its permission rules refused a tool call (${rejected}) and it stopped there; ` +
        "nothing may ask for permission in an unattended run",
    };
  }
  if (reason === "stop") return undefined;
  return {
    failure:
      reason === undefined
        ? "it printed no step of work (no JSON events on stdout)"
        : `its last step ended with "${reason}", not with a final message`,
  };
}

function parse(line: string): Event | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as Event;
  } catch {
    return undefined;
  }
}
