import type { CommitInfo } from "../git/bareRepo.js";
import { nodeId, type SandboxRepo, type SandboxState } from "../state.js";
import { repoUrls } from "./repoUrls.js";

/** GitHub's `commit` object (as in get-branch), from what git knows about the commit. */
export function commitJson(state: SandboxState, repo: SandboxRepo, commit: CommitInfo) {
  const { api, html } = repoUrls(state, repo);
  const url = `${api}/commits/${commit.sha}`;
  return {
    sha: commit.sha,
    node_id: nodeId("C", Number.parseInt(commit.sha.slice(0, 10), 16)),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url,
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    // git authors are not mapped to accounts in the sandbox, as for an unknown email on GitHub
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
  };
}
