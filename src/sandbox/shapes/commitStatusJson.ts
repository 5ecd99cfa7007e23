import type { SandboxCommitStatus, SandboxRepo, SandboxState } from "../state.js";
import { nodeId } from "../state.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

/** GitHub's `status` object (`simple-commit-status` plus its creator). */
export function commitStatusJson(
  state: SandboxState,
  repo: SandboxRepo,
  status: SandboxCommitStatus,
) {
  const creator = userJson(state, status.creator);
  return {
    url: `${repoUrls(state, repo).api}/statuses/${status.sha}`,
    avatar_url: creator.avatar_url,
    id: status.id,
    node_id: nodeId("SC", status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator,
  };
}
