import type { BackendConfig } from "./backendConfig.js";

/**
 * The backends for one attempt: `race` of them, rotating with each attempt so a retry runs on
 * another agent. The task's own `backend` goes first; the repo's `backends` list narrows what
 * the operator offers.
 */
export function chooseBackends(
  offered: BackendConfig[],
  o: {
    repoAllows?: string[] | undefined;
    preferred?: string | undefined;
    attempt: number;
    race: number;
  },
): BackendConfig[] {
  const allowed = o.repoAllows ? offered.filter((b) => o.repoAllows?.includes(b.name)) : offered;
  const pool = allowed.length > 0 ? allowed : offered;
  if (pool.length === 0) return [];
  const start = Math.max(
    0,
    pool.findIndex((b) => b.name === o.preferred),
  );
  const count = Math.min(Math.max(1, o.race), pool.length);
  return Array.from({ length: count }, (_, i) => pool[(start + o.attempt - 1 + i) % pool.length]!);
}
