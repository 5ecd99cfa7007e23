import type { SandboxRepo, SandboxState } from "../state.js";

/** The repository with this id, or null once it is gone (a deleted fork). */
export function repoById(state: SandboxState, id: number): SandboxRepo | null {
  for (const repo of state.repos.values()) if (repo.id === id) return repo;
  return null;
}
