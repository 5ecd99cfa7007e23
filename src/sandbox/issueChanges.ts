import { createIssue } from "./rest/issues.js";
import type { SandboxIssue, SandboxRepo, SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

// What people do to an issue as a whole: close it, delete it, move it to another repository.
// Deleting and transferring take the issue and its comments away from the repository, as on
// GitHub (the status comment a run keeps there goes with them). Webhooks are the Sandbox's.

export function requireIssue(repo: SandboxRepo, number: number): SandboxIssue {
  const issue = repo.issues.get(number);
  if (!issue || issue.isPull) throw new Error(`${repo.owner}/${repo.name} has no issue #${number}`);
  return issue;
}

export function closeIssue(
  state: SandboxState,
  repo: SandboxRepo,
  number: number,
  reason: "completed" | "not_planned",
): SandboxIssue {
  const issue = requireIssue(repo, number);
  const now = timestamp(state);
  issue.state = "closed";
  issue.stateReason = reason;
  issue.closedAt = now;
  issue.updatedAt = now;
  return issue;
}

/** Removes the issue with its comments and reactions. */
export function deleteIssue(repo: SandboxRepo, number: number): void {
  requireIssue(repo, number);
  repo.issues.delete(number);
  for (const [id, comment] of repo.issueComments) {
    if (comment.issueNumber === number) repo.issueComments.delete(id);
  }
  repo.reactions = repo.reactions.filter((r) => r.subject !== `issue:${number}`);
}

/** Moves the issue and its comments (ids kept) to `to`, under a new number there. */
export function transferIssue(
  state: SandboxState,
  from: SandboxRepo,
  number: number,
  to: SandboxRepo,
): SandboxIssue {
  const issue = requireIssue(from, number);
  const moved = createIssue(state, to, { title: issue.title, body: issue.body, user: issue.user });
  for (const [id, comment] of from.issueComments) {
    if (comment.issueNumber !== number) continue;
    from.issueComments.delete(id);
    to.issueComments.set(id, { ...comment, issueNumber: moved.number });
  }
  from.issues.delete(number);
  from.reactions = from.reactions.filter((r) => r.subject !== `issue:${number}`);
  return moved;
}
