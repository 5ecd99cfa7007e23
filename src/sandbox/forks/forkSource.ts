import type { SandboxRepo, SandboxState } from "../state.js";
import { repoById } from "./repoById.js";

/**
 * GitHub's `parent` (what the fork was made from) and `source` (the root of its fork network)
 * of a fork; null for a repository that is not a fork. A deleted ancestor ends the chain.
 */
export function forkSource(
  state: SandboxState,
  repo: SandboxRepo,
): { parent: SandboxRepo; source: SandboxRepo } | null {
  if (repo.forkOf === undefined) return null;
  const parent = repoById(state, repo.forkOf);
  if (!parent) return null;
  let source = parent;
  const seen = new Set([repo.id]);
  while (source.forkOf !== undefined && !seen.has(source.id)) {
    seen.add(source.id);
    const up = repoById(state, source.forkOf);
    if (!up) break;
    source = up;
  }
  return { parent, source };
}
