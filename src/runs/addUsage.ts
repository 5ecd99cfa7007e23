import type { TaskUsage } from "./run.js";

/** What one attempt spent, as the worker recorded it (cost priced where the CLI gave none). */
export interface AttemptUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd?: number | undefined;
  model?: string | undefined;
  /** racers of the attempt whose cost is unknown (default: 1 when costUsd is unset, else 0) */
  unpriced?: number | undefined;
}

/** A task's usage with one more attempt's added; an attempt without a cost counts as unpriced. */
export function addUsage(total: TaskUsage | undefined, attempt: AttemptUsage): TaskUsage {
  const cost =
    attempt.costUsd === undefined ? total?.costUsd : (total?.costUsd ?? 0) + attempt.costUsd;
  const unpriced =
    (total?.unpriced ?? 0) + (attempt.unpriced ?? (attempt.costUsd === undefined ? 1 : 0));
  return {
    inputTokens: (total?.inputTokens ?? 0) + attempt.inputTokens,
    outputTokens: (total?.outputTokens ?? 0) + attempt.outputTokens,
    ...(cost !== undefined ? { costUsd: cost } : {}),
    ...(unpriced > 0 ? { unpriced } : {}),
  };
}
