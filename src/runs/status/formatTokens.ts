/** `850`, `12.3k`, `123k`, `4.5M`: a token count short enough for a table cell. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 100_000) return `${trim((n / 1000).toFixed(1))}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (n < 100_000_000) return `${trim((n / 1e6).toFixed(1))}M`;
  return `${Math.round(n / 1e6)}M`;
}

function trim(fixed: string): string {
  return fixed.replace(/\.0$/, "");
}
