import type { SandboxRepo } from "./state.js";

/**
 * A pull request's updatedAt moves with every change to it or its conversation, as on GitHub:
 * a review, a review comment or reply, a comment on its conversation, a push, a state change.
 * The PR and its issue are one object on GitHub, so both move.
 */
export function touchPull(repo: SandboxRepo, pullNumber: number, at: string): void {
  const pull = repo.pulls.get(pullNumber);
  if (pull !== undefined) pull.updatedAt = at;
  const issue = repo.issues.get(pullNumber);
  if (issue !== undefined) issue.updatedAt = at;
}
