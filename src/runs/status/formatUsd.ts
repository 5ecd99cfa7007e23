import { formatCents } from "./formatCents.js";

/** `$0.04`, or `<$0.01` for a cost that would show as nothing. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.005 ? "<$0.01" : formatCents(usd);
}
