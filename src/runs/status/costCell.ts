import type { TaskUsage } from "../run.js";
import { formatUsd } from "./formatUsd.js";

/** A cost cell: `$0.04`, `<$0.01`, `—` when unknown, `$0.04+` when some attempts' is unknown. */
export function costCell(usage: TaskUsage | undefined): string {
  if (usage?.costUsd === undefined) return "—";
  const cost = formatUsd(usage.costUsd);
  return (usage.unpriced ?? 0) > 0 ? `${cost}+` : cost;
}
