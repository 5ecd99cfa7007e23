import { mintInstallationToken, parseAuthorization } from "../auth.js";
import { appJson, installationJson, installationPermissions } from "../shapes/appJson.js";
import { repositoryJson } from "../shapes/repositoryJson.js";
import type { TokenAccess } from "../state.js";
import { paginate } from "./paginate.js";
import { findRepo, intParam } from "./requireRepo.js";
import { HttpError, json, notFound, type RouteContext, type RouteTable } from "./routeContext.js";

// The app's own endpoints (JWT-authenticated) and the installation's repository list.

/** Operations GitHub authenticates with the app's JWT instead of an installation token. */
export const JWT_OPERATIONS = new Set([
  "apps/get-authenticated",
  "apps/list-installations",
  "apps/get-installation",
  "apps/create-installation-access-token",
  "apps/get-repo-installation",
  "apps/get-org-installation",
  "apps/get-user-installation",
]);

export const appRoutes: RouteTable = {
  "apps/get-authenticated": (ctx) => json(200, appJson(ctx.state)),

  "apps/list-installations": (ctx) => {
    const all = [...ctx.state.installations.values()].sort((a, b) => a.id - b.id);
    const { page, headers } = paginate(ctx, all);
    return json(
      200,
      page.map((i) => installationJson(ctx.state, i)),
      headers,
    );
  },

  "apps/get-installation": (ctx) => {
    const installation = ctx.state.installations.get(intParam(ctx, "installation_id"));
    if (!installation) throw notFound();
    return json(200, installationJson(ctx.state, installation));
  },

  "apps/create-installation-access-token": (ctx) => {
    const installation = ctx.state.installations.get(intParam(ctx, "installation_id"));
    if (!installation) throw notFound();
    if (installation.suspendedAt) throw new HttpError(403, "This installation has been suspended");
    const scope = tokenScope(ctx, installation.id);
    const { token, expiresAt, grant } = mintInstallationToken(ctx.state, installation, scope);
    const repos =
      grant.repositoryIds === null
        ? null
        : [...ctx.state.repos.values()].filter((r) => grant.repositoryIds?.includes(r.id));
    return json(201, {
      token,
      expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions: { ...grant.permissions },
      repository_selection: repos === null ? "all" : "selected",
      ...(repos ? { repositories: repos.map((r) => repositoryJson(ctx.state, r)) } : {}),
    });
  },

  // The token the request carries is refused from now on (GitHub answers 204 either way).
  "apps/revoke-installation-access-token": (ctx) => {
    const credential = parseAuthorization(ctx.headers.authorization)?.credential ?? "";
    for (const installation of ctx.state.installations.values()) {
      const grant = installation.tokens.get(credential);
      if (grant) grant.revokedAt = ctx.state.now().getTime();
    }
    return { status: 204 };
  },

  "apps/get-repo-installation": (ctx) => {
    const repo = findRepo(ctx.state.repos, ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
    const installation = repo && ctx.state.installations.get(repo.installationId);
    if (!installation) throw notFound();
    return json(200, installationJson(ctx.state, installation));
  },

  "apps/get-user-installation": (ctx) => {
    const login = (ctx.params["username"] ?? "").toLowerCase();
    const installation = [...ctx.state.installations.values()].find(
      (i) => i.account.toLowerCase() === login,
    );
    if (!installation) throw notFound();
    return json(200, installationJson(ctx.state, installation));
  },

  "apps/list-repos-accessible-to-installation": (ctx) => {
    const repos = [...ctx.state.repos.values()]
      .filter((r) => r.installationId === ctx.installationId)
      .sort((a, b) => a.id - b.id);
    const { page, headers } = paginate(ctx, repos);
    return json(
      200,
      {
        total_count: repos.length,
        repositories: page.map((r) => repositoryJson(ctx.state, r)),
        repository_selection: "all",
      },
      headers,
    );
  },

  "rate-limit/get": (ctx) => {
    const core = ctx.services.rateLimits.snapshot(ctx.installationId, "core");
    const graphql = ctx.services.rateLimits.snapshot(ctx.installationId, "graphql");
    const fresh = { limit: 30, used: 0, remaining: 30, reset: core.reset };
    return json(200, {
      resources: {
        core,
        graphql,
        search: fresh,
        code_search: { ...fresh, limit: 10, remaining: 10 },
      },
      rate: core,
    });
  },
};

/**
 * The narrowing asked for when minting (`repositories` by name, `repository_ids`, `permissions`),
 * refused with GitHub's 422 when it reaches past what the installation has.
 */
function tokenScope(
  ctx: RouteContext,
  installationId: number,
): { repositoryIds: number[] | null; permissions?: Record<string, TokenAccess> } {
  const body = (ctx.body ?? {}) as {
    repositories?: string[];
    repository_ids?: number[];
    permissions?: Record<string, string>;
  };
  const own = [...ctx.state.repos.values()].filter((r) => r.installationId === installationId);
  let repositoryIds: number[] | null = null;
  if (body.repositories || body.repository_ids) {
    const wanted = [
      ...(body.repositories ?? []).map(
        (name) => own.find((r) => r.name.toLowerCase() === name.toLowerCase())?.id ?? -1,
      ),
      ...(body.repository_ids ?? []).map((id) => own.find((r) => r.id === id)?.id ?? -1),
    ];
    if (wanted.includes(-1)) {
      throw new HttpError(
        422,
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
      );
    }
    repositoryIds = [...new Set(wanted)];
  }
  if (!body.permissions) return { repositoryIds };
  const granted = installationPermissions(ctx.state.installations.get(installationId));
  const permissions: Record<string, TokenAccess> = {};
  for (const [name, access] of Object.entries(body.permissions)) {
    const held = granted[name];
    const fits = held === "write" || (held === "read" && access === "read");
    if (!fits || (access !== "read" && access !== "write")) {
      throw new HttpError(422, "The permissions requested are not granted to this installation.");
    }
    permissions[name] = access;
  }
  // GitHub always includes metadata: read in a narrowed token.
  permissions["metadata"] ??= "read";
  return { repositoryIds, permissions };
}
