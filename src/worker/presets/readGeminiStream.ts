import type { AgentOutput } from "../backendConfig.js";

interface StreamEvent {
  type?: unknown;
  role?: unknown;
  content?: unknown;
  delta?: unknown;
  model?: unknown;
  status?: unknown;
  error?: { message?: unknown };
  stats?: {
    input_tokens?: unknown;
    output_tokens?: unknown;
    models?: Record<string, { total_tokens?: unknown }>;
  };
}

/**
 * Reads `gemini --output-format stream-json` (one JSON event a line): the report is the
 * assistant's text after its last tool call (its final message), usage is the result event's
 * token counts (gemini reports no cost), and a result that is not "success" — or none at all —
 * is a failure with the CLI's own message. Lines that are not JSON events are skipped.
 */
export function readGeminiStream(stdout: string): AgentOutput {
  let report = "";
  let model: string | undefined;
  let result: StreamEvent | undefined;
  for (const line of stdout.split("\n")) {
    const event = parse(line);
    if (!event) continue;
    if (event.type === "init" && typeof event.model === "string") model = event.model;
    if (event.type === "tool_use" || event.type === "tool_result") report = "";
    if (
      event.type === "message" &&
      event.role === "assistant" &&
      typeof event.content === "string"
    ) {
      report = event.delta === true ? report + event.content : event.content;
    }
    if (event.type === "result") result = event;
  }
  if (!result) return { failure: "gemini printed no result event" };
  const stats = result.stats;
  const models = Object.entries(stats?.models ?? {});
  // The main model, not a router's: the one init named, else the one that spent the most.
  const used = models.some(([name]) => name === model)
    ? model
    : models.sort(
        ([, a], [, b]) => Number(b.total_tokens ?? 0) - Number(a.total_tokens ?? 0),
      )[0]?.[0];
  const usage =
    typeof stats?.input_tokens === "number" && typeof stats.output_tokens === "number"
      ? { inputTokens: stats.input_tokens, outputTokens: stats.output_tokens, model: used }
      : undefined;
  const failure =
    result.status === "success"
      ? undefined
      : String(result.error?.message ?? `gemini's result was ${String(result.status)}`);
  return {
    ...(report.trim() !== "" ? { report: report.trim() } : {}),
    ...(usage ? { usage } : {}),
    ...(failure !== undefined ? { failure: failure.replace(/\s+/g, " ").trim() } : {}),
  };
}

function parse(line: string): StreamEvent | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as StreamEvent) : undefined;
  } catch {
    return undefined;
  }
}
