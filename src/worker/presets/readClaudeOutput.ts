import type { AgentOutput, AgentUsage } from "../backendConfig.js";

// `claude -p --output-format json` prints one result object when it ends (Claude Code 2.1):
// `result` is the final message (or the error it met), `is_error` says whether it failed —
// also behind exit 0, and with `subtype` "success" for an API error — and `errors` lists what
// an `error_*` subtype met. `total_cost_usd` is its own pricing of the session; `modelUsage`
// counts every model it asked, its side questions (a session title) included, which the
// top-level `usage` leaves out.

interface ModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

interface ClaudeResult {
  type: "result";
  subtype?: string;
  is_error?: boolean;
  result?: string;
  errors?: string[];
  total_cost_usd?: number;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
  };
  modelUsage?: Record<string, ModelUsage>;
}

const n = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/** The report, usage and failure in Claude Code's JSON result; {} when stdout holds none. */
export function readClaudeOutput(stdout: string): AgentOutput {
  const result = lastResult(stdout);
  if (!result) return {};
  const failed = result.is_error === true;
  const said = typeof result.result === "string" ? result.result : undefined;
  const errors = Array.isArray(result.errors)
    ? result.errors.filter((e) => typeof e === "string")
    : [];
  return {
    ...(said !== undefined ? { report: said } : {}),
    usage: usageOf(result),
    ...(failed ? { failure: (said || errors.join("; ") || result.subtype) ?? "is_error" } : {}),
  };
}

function usageOf(result: ClaudeResult): AgentUsage {
  const models = Object.entries(result.modelUsage ?? {});
  const cost = result.total_cost_usd;
  const costUsd = typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
  if (models.length === 0) {
    const u = result.usage ?? {};
    return {
      inputTokens:
        n(u.input_tokens) + n(u.cache_read_input_tokens) + n(u.cache_creation_input_tokens),
      outputTokens: n(u.output_tokens),
      costUsd,
    };
  }
  const inputOf = (m: ModelUsage) =>
    n(m.inputTokens) + n(m.cacheReadInputTokens) + n(m.cacheCreationInputTokens);
  const total = (m: ModelUsage) => inputOf(m) + n(m.outputTokens);
  // The model that did the work is the one that spent the most; "[1m]" marks its context size.
  const [main] = [...models].sort((a, b) => total(b[1]) - total(a[1]));
  return {
    inputTokens: models.reduce((sum, [, m]) => sum + inputOf(m), 0),
    outputTokens: models.reduce((sum, [, m]) => sum + n(m.outputTokens), 0),
    costUsd,
    model: main?.[0].replace(/\[[^\]]*\]$/, ""),
  };
}

function lastResult(stdout: string): ClaudeResult | null {
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === "object" && (value as { type?: unknown }).type === "result") {
        return value as ClaudeResult;
      }
    } catch {
      // not the result line
    }
  }
  return null;
}
