import type { TaskUsage } from "../run.js";

/** `850`, `12.3k`, `123k`, `4.5M`: a token count short enough for a table cell. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 100_000) return `${trim((n / 1000).toFixed(1))}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (n < 100_000_000) return `${trim((n / 1e6).toFixed(1))}M`;
  return `${Math.round(n / 1e6)}M`;
}

/** `1,234,567`: an exact count, for the line that stops a run. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `$0.04`, `$12.30`: dollars to the cent. */
export function formatCents(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** `$0.04`, or `<$0.01` for a cost that would show as nothing. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.005 ? "<$0.01" : formatCents(usd);
}

/** A cost cell: `$0.04`, `<$0.01`, `—` when unknown, `$0.04+` when some attempts' is unknown. */
export function formatCost(usage: TaskUsage | undefined): string {
  if (usage?.costUsd === undefined) return "—";
  const cost = formatUsd(usage.costUsd);
  return (usage.unpriced ?? 0) > 0 ? `${cost}+` : cost;
}

/** `12.3k in / 1.2k out`, or `—` when the agent reported nothing. */
export function formatTokenCell(usage: TaskUsage | undefined): string {
  if (!usage) return "—";
  return `${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out`;
}

function trim(fixed: string): string {
  return fixed.replace(/\.0$/, "");
}
