import { mintInstallationToken } from "../auth.js";
import { APP_PERMISSIONS, appJson, installationJson } from "../shapes/appJson.js";
import { repositoryJson } from "../shapes/repositoryJson.js";
import { paginate } from "./paginate.js";
import { findRepo, intParam } from "./requireRepo.js";
import { json, notFound, type RouteTable } from "./routeContext.js";

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
    const { token, expiresAt } = mintInstallationToken(ctx.state, installation);
    return json(201, {
      token,
      expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions: { ...APP_PERMISSIONS },
      repository_selection: "all",
    });
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
