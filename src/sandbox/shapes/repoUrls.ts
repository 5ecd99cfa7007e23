import type { SandboxRepo, SandboxState } from "../state.js";

/** The API and web URLs of a repository, in the sandbox's host. */
export function repoUrls(state: SandboxState, repo: SandboxRepo) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    full,
    api: `${state.baseUrl}/repos/${full}`,
    html: `${state.baseUrl}/${full}`,
    clone: `${state.baseUrl}/${full}.git`,
  };
}
