import { Octokit } from "@octokit/rest";
import type { ProbotOctokit } from "probot";
import type { MintedToken, RepoCoordinates } from "./githubPort.js";

/** Mints the token of one git operation: one repository, `contents` only (and metadata). */
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
): GitTokenMinter {
  return async (installationId, repo, access) => {
    const app = await appOctokit();
    const { data } = await app.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: [repo.repo],
      permissions: { contents: access },
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
