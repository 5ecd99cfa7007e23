import type { RunSnapshot } from "../run.js";
import { runUsage } from "../runUsage.js";
import { formatCents } from "./formatCents.js";
import { formatCount } from "./formatCount.js";
import { formatTokens } from "./formatTokens.js";
import { formatUsd } from "./formatUsd.js";

/**
 * The run's spending against its budgets, in one line: tokens in and out, the dollars known,
 * and which tasks' cost nobody knows (`limits.usd` cannot count those). Empty until an agent
 * reported usage.
 */
export function renderUsageLine({ run, tasks }: RunSnapshot): string {
  const u = runUsage(tasks);
  if (!u.reported) return "";
  const { tokens: maxTokens, usd: maxUsd } = run.config.limits;
  const parts = [
    `${formatTokens(u.inputTokens)} tokens in / ${formatTokens(u.outputTokens)} out${maxTokens !== undefined ? ` (budget ${formatCount(maxTokens)})` : ""}`,
  ];
  const priced = tasks.some((t) => t.usage?.costUsd !== undefined);
  if (priced || maxUsd !== undefined) {
    parts.push(`${formatUsd(u.usd)}${maxUsd !== undefined ? ` of ${formatCents(maxUsd)}` : ""}`);
  }
  let line = `**Spent:** ${parts.join(" · ")}`;
  if (u.unpricedTasks > 0) {
    const one = u.unpricedTasks === 1;
    const [who, its, it] = one
      ? ["1 task's", "its", "it"]
      : [`${u.unpricedTasks} tasks'`, "their", "them"];
    line += ` · ${who} cost is unknown: ${its} CLI reports none and ORCHESTRATE_PRICES has no price for ${its} model${maxUsd !== undefined ? `, so \`limits.usd\` cannot count ${it}` : ""}`;
  }
  return line;
}
