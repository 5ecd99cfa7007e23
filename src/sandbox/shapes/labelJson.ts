import { nodeId, type SandboxLabel, type SandboxRepo, type SandboxState } from "../state.js";
import { repoUrls } from "./repoUrls.js";

/** GitHub's `label` object. */
export function labelJson(state: SandboxState, repo: SandboxRepo, label: SandboxLabel) {
  return {
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${repoUrls(state, repo).api}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description ?? null,
  };
}
