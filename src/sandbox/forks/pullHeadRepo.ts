import type { SandboxPull, SandboxRepo, SandboxState } from "../state.js";
import { repoById } from "./repoById.js";

/**
 * The repository a pull request's head branch lives in: the base repository itself, or the
 * fork it came from; null when that fork has been deleted (GitHub's "unknown repository").
 */
export function pullHeadRepo(
  state: SandboxState,
  repo: SandboxRepo,
  pull: SandboxPull,
): SandboxRepo | null {
  return pull.headRepoId === undefined ? repo : repoById(state, pull.headRepoId);
}
