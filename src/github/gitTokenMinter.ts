import { Octokit } from "@octokit/rest";
import type { ProbotOctokit } from "probot";
import type { MintedToken, RepoCoordinates } from "./githubPort.js";
import type { InstallationPermissions } from "./installationPermissions.js";

/**
 * Mints the token of one git operation: one repository, `contents` only (and metadata), plus
 * `workflows` for a push when the installation granted it (GitHub refuses a push that touches
 * `.github/workflows/` without it).
 */
export type GitTokenMinter = (
  installationId: number,
  repo: RepoCoordinates,
  access: "read" | "write",
) => Promise<MintedToken>;

/**
 * Tokens for git, minted with the App's JWT (`POST /app/installations/{id}/access_tokens` with
 * `repositories` and `permissions`) against the configured base URL, and revoked with
 * themselves (`DELETE /installation/token`). Nothing is cached: each push or fetch has a token
 * nobody else ever held, worthless once revoked, and never near its expiry.
 */
export function gitTokenMinter(
  appOctokit: () => Promise<ProbotOctokit>,
  baseUrl: string | undefined,
  granted?: InstallationPermissions,
): GitTokenMinter {
  return async (installationId, repo, access) => {
    // Not knowing (GitHub failed the read) mints what app.yml always grants: a push that
    // touches workflows is then refused with a message that says why.
    const workflows =
      access === "write" &&
      granted !== undefined &&
      (await granted(installationId).catch(() => ({}) as Record<string, string>))["workflows"] ===
        "write";
    const app = await appOctokit();
    const { data } = await app.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: [repo.repo],
      permissions: workflows ? { contents: access, workflows: "write" } : { contents: access },
    });
    const token = data.token;
    return {
      token,
      async revoke() {
        const own = new Octokit({ auth: token, ...(baseUrl ? { baseUrl } : {}) });
        await own.rest.apps.revokeInstallationAccessToken();
      },
    };
  };
}
