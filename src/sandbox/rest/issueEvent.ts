import type { SandboxIssue, SandboxRepo } from "../state.js";
import type { RouteContext } from "./routeContext.js";

export function fullName(repo: SandboxRepo): string {
  return `${repo.owner}/${repo.name}`;
}

/** Notes an issue's webhook; GitHub reports a pull request's issue changes as pull_request events. */
export function issueEvent(
  ctx: RouteContext,
  repo: SandboxRepo,
  issue: SandboxIssue,
  action: string,
  o: { patch?: Record<string, unknown>; label?: string } = {},
): void {
  const targets = issue.isPull
    ? { repo: fullName(repo), pull: issue.number }
    : { repo: fullName(repo), issue: issue.number };
  ctx.emit(
    issue.isPull ? "pull_request" : "issues",
    action,
    o.label ? { ...targets, label: o.label } : targets,
    o.patch,
  );
}
