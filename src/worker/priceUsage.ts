import type { PriceTable } from "../config/parsePrices.js";
import type { AgentUsage } from "./backendConfig.js";

/**
 * The attempt's usage with a cost: the CLI's own, else the operator's price for its model (or,
 * for a CLI that names none, for its backend); else the cost stays unknown.
 */
export function priceUsage(usage: AgentUsage, prices: PriceTable, backend: string): AgentUsage {
  if (usage.costUsd !== undefined) return usage;
  const own = (key: string | undefined) =>
    key !== undefined && Object.hasOwn(prices, key) ? prices[key] : undefined;
  const price = own(usage.model) ?? own(backend);
  if (!price) return usage;
  const costUsd = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6;
  return { ...usage, costUsd };
}
