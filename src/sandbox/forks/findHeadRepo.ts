import type { SandboxRepo, SandboxState } from "../state.js";
import { sameNetwork } from "./sameNetwork.js";

/**
 * The repository `owner:branch` names as a pull request head into `base`: the base itself for
 * its own owner, else `owner`'s repository in the base's fork network (`name` when given, as
 * `head_repo` says; GitHub lets an account hold one fork of a network).
 */
export function findHeadRepo(
  state: SandboxState,
  base: SandboxRepo,
  owner: string,
  name?: string,
): SandboxRepo | null {
  if (owner.toLowerCase() === base.owner.toLowerCase()) return base;
  for (const repo of state.repos.values()) {
    if (repo.owner.toLowerCase() !== owner.toLowerCase()) continue;
    if (name !== undefined && repo.name.toLowerCase() !== name.toLowerCase()) continue;
    if (sameNetwork(state, repo, base)) return repo;
  }
  return null;
}
