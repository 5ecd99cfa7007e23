import type { SandboxActions, SandboxRepo } from "../state.js";

/** A repository's GitHub Actions, commit statuses and branch rules, made on first use. */
export function actionsOf(repo: SandboxRepo): SandboxActions {
  repo.actions ??= {
    ci: null,
    seen: new Map(),
    runs: new Map(),
    logs: new Map(),
    statuses: [],
    requiredChecks: new Map(),
  };
  return repo.actions;
}
