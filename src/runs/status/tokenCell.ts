import type { TaskUsage } from "../run.js";
import { formatTokens } from "./formatTokens.js";

/** `12.3k in / 1.2k out`, or `—` when the agent reported nothing. */
export function tokenCell(usage: TaskUsage | undefined): string {
  if (!usage) return "—";
  return `${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out`;
}
