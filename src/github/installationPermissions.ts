import type { ProbotOctokit } from "probot";

/** What an installation granted the App, e.g. `{ contents: "write", workflows: "write" }`. */
export type InstallationPermissions = (installationId: number) => Promise<Record<string, string>>;

/**
 * Reads an installation's permissions with the App's JWT (`GET /app/installations/{id}`), kept
 * for `ttlMs`: an operator who adds a permission (and an installation that accepts it) is seen
 * within that time, without one extra request per push.
 */
export function installationPermissions(
  appOctokit: () => Promise<ProbotOctokit>,
  ttlMs = 5 * 60_000,
): InstallationPermissions {
  const cache = new Map<number, { at: number; permissions: Promise<Record<string, string>> }>();
  return (installationId) => {
    const hit = cache.get(installationId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.permissions;
    const permissions = appOctokit()
      .then((app) => app.rest.apps.getInstallation({ installation_id: installationId }))
      .then(({ data }) => ({ ...(data.permissions as Record<string, string>) }));
    // A failed read is not kept: the next caller asks again.
    permissions.catch(() => cache.delete(installationId));
    cache.set(installationId, { at: Date.now(), permissions });
    return permissions;
  };
}
