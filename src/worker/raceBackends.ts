import type { AttemptUsage } from "../runs/addUsage.js";
import type { BackendConfig } from "./backendConfig.js";

/** How one backend's attempt at a task ended, as processTask records it. */
export type Outcome = (
  | {
      ok: true;
      sha: string | null;
      noChange: boolean;
      report: string;
      backend: string;
      othersOnBranch: string[];
      rewritten?: Record<string, string> | undefined;
    }
  | { ok: false; reason: string; detail: string; report: string; backend: string }
) & {
  /** what the attempt's agents spent (every racer's), priced */
  usage?: AttemptUsage | undefined;
};

/**
 * Runs one attempt per backend at once; the first verified result is pushed (only the
 * attempt that wins `claim()` may push) and the others are cancelled.
 */
export async function race(
  backends: BackendConfig[],
  signal: AbortSignal,
  attempt: (backend: BackendConfig, signal: AbortSignal, claim: () => boolean) => Promise<Outcome>,
): Promise<Outcome> {
  let winner: string | null = null;
  const controllers = backends.map(() => new AbortController());
  const onAbort = () => {
    for (const c of controllers) c.abort(signal.reason);
  };
  // A stop that came before the race began (while the task was being claimed) counts too.
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    const results = await Promise.all(
      backends.map(async (backend, i) => {
        const controller = controllers[i]!;
        const outcome = await attempt(backend, controller.signal, () => {
          if (winner !== null && winner !== backend.name) return false;
          winner = backend.name;
          for (const [j, other] of controllers.entries())
            if (j !== i) other.abort(new Error("lost the race"));
          return true;
        });
        return outcome;
      }),
    );
    // A verified change wins; then a question (an answer may let the task be done); then why
    // the others failed.
    const chosen =
      results.find((r) => r.ok) ??
      results.find((r) => r.ok === false && r.reason === "question") ??
      results.find((r) => r.ok === false && r.reason !== "aborted") ??
      results[0]!;
    // The racers that lost spent their tokens too: the task is charged for all of them.
    return { ...chosen, usage: raceUsage(chosen, results) };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Every racer's usage summed, on the chosen one's model; the known costs, and how many not. */
function raceUsage(chosen: Outcome, results: Outcome[]): AttemptUsage | undefined {
  const spent = results.flatMap((r) => (r.usage ? [r.usage] : []));
  if (spent.length <= 1) return chosen.usage ?? spent[0];
  const priced = spent.filter((u) => u.costUsd !== undefined);
  return {
    inputTokens: spent.reduce((n, u) => n + u.inputTokens, 0),
    outputTokens: spent.reduce((n, u) => n + u.outputTokens, 0),
    ...(priced.length > 0 ? { costUsd: priced.reduce((n, u) => n + (u.costUsd ?? 0), 0) } : {}),
    model: chosen.usage?.model,
    unpriced: spent.length - priced.length,
  };
}
