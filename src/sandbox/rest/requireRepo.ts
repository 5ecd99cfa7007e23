import type { SandboxRepo } from "../state.js";
import { notFound, type RouteContext } from "./routeContext.js";

/**
 * The repository named by {owner}/{repo}, if the caller's installation can see it. GitHub
 * answers 404 (not 403) for repositories outside the installation, so does this.
 */
export function requireRepo(ctx: RouteContext): SandboxRepo {
  const owner = ctx.params["owner"] ?? "";
  const name = ctx.params["repo"] ?? "";
  const repo = findRepo(ctx.state.repos, owner, name);
  if (!repo) throw notFound();
  if (ctx.installationId !== null && repo.installationId !== ctx.installationId) throw notFound();
  return repo;
}

/** GitHub matches owner and repository names case-insensitively. */
export function findRepo(
  repos: Map<string, SandboxRepo>,
  owner: string,
  name: string,
): SandboxRepo | undefined {
  const exact = repos.get(`${owner}/${name}`);
  if (exact) return exact;
  const wanted = `${owner}/${name}`.toLowerCase();
  for (const [key, repo] of repos) if (key.toLowerCase() === wanted) return repo;
  return undefined;
}

/** An integer path parameter such as {issue_number}. */
export function intParam(ctx: RouteContext, name: string): number {
  const value = Number(ctx.params[name]);
  if (!Number.isInteger(value)) throw notFound();
  return value;
}
