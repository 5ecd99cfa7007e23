import { repoUrls } from "../shapes/repoUrls.js";
import type { SandboxRepo, SandboxState } from "../state.js";

/** The short `pull_requests` entries check runs, suites and workflow runs carry: open PRs of `sha`. */
export function pullRefsJson(state: SandboxState, repo: SandboxRepo, sha: string) {
  const { api } = repoUrls(state, repo);
  return [...repo.pulls.values()]
    .filter((p) => p.state === "open" && p.headSha === sha && p.headRepoId === undefined)
    .map((p) => ({
      id: p.id,
      number: p.number,
      url: `${api}/pulls/${p.number}`,
      head: { ref: p.head, sha: p.headSha, repo: { id: repo.id, url: api, name: repo.name } },
      base: { ref: p.base, sha: p.baseSha ?? "", repo: { id: repo.id, url: api, name: repo.name } },
    }));
}
