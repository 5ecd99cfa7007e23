import { createHash } from "node:crypto";
import type { SandboxIssue, SandboxRepo, SandboxState } from "../state.js";
import { authorAssociation } from "./authorAssociation.js";
import { labelJson } from "./labelJson.js";
import { reactionRollup } from "./reactionRollup.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

/** GitHub's `issue` object; a pull request's issue carries a `pull_request` link block. */
export function issueJson(state: SandboxState, repo: SandboxRepo, issue: SandboxIssue) {
  const { api, html } = repoUrls(state, repo);
  const url = `${api}/issues/${issue.number}`;
  const pull = issue.isPull ? repo.pulls.get(issue.number) : undefined;
  const comments = [...repo.issueComments.values()].filter((c) => c.issueNumber === issue.number);
  return {
    id: issue.id ?? issueIdFallback(repo, issue),
    node_id: issue.nodeId,
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${html}/${issue.isPull ? "pull" : "issues"}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason ?? null,
    title: issue.title,
    body: issue.body,
    user: userJson(state, issue.user),
    labels: issue.labels.map((name) => {
      const label = repo.labels.get(name);
      return label ? labelJson(state, repo, label) : { name };
    }),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: comments.length,
    ...(issue.isPull
      ? {
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `${html}/pull/${issue.number}`,
            diff_url: `${html}/pull/${issue.number}.diff`,
            patch_url: `${html}/pull/${issue.number}.patch`,
            merged_at: pull?.mergedAt ?? null,
          },
          draft: pull?.draft ?? false,
        }
      : {}),
    closed_at: issue.closedAt ?? null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: null,
    author_association: authorAssociation(repo, issue.user),
    reactions: reactionRollup(repo, `issue:${issue.number}`, `${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
  };
}

function issueIdFallback(repo: SandboxRepo, issue: SandboxIssue): number {
  // Issues made by another part of the sandbox may lack a REST id; derive a stable one.
  const digest = createHash("sha1").update(`${repo.id}:${issue.number}`).digest("hex");
  return Number.parseInt(digest.slice(0, 10), 16);
}
