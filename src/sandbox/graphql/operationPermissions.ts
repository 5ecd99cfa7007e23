import type { TokenAccess } from "../state.js";

// Which of a GitHub App's permissions a GraphQL operation needs, field by field at its root, as
// GitHub's "Permissions required for GitHub Apps" lists them for the objects involved: a
// mutation needs write on what it changes, a query read on what it reads. A root field the map
// does not know needs `metadata: read` (every token has it).

const MUTATIONS: Record<string, string> = {
  addPullRequestReviewThreadReply: "pull_requests",
  addPullRequestReview: "pull_requests",
  addPullRequestReviewComment: "pull_requests",
  resolveReviewThread: "pull_requests",
  unresolveReviewThread: "pull_requests",
  markPullRequestReadyForReview: "pull_requests",
  convertPullRequestToDraft: "pull_requests",
  updatePullRequest: "pull_requests",
  closePullRequest: "pull_requests",
  addComment: "issues",
  updateIssueComment: "issues",
  addReaction: "issues",
  createIssue: "issues",
  closeIssue: "issues",
  createCommitOnBranch: "contents",
  createRef: "contents",
  updateRef: "contents",
};

/** What reading the repository's pull requests (threads, heads) needs. */
const QUERY_FIELDS: Record<string, string> = {
  repository: "pull_requests",
  node: "pull_requests",
  nodes: "pull_requests",
};

export interface NeededPermission {
  field: string;
  permission: string;
  access: TokenAccess;
}

/** The permissions an operation's root fields need (`rateLimit`, `viewer`: none). */
export function operationPermissions(
  operation: "query" | "mutation" | "subscription",
  rootFields: readonly string[],
): NeededPermission[] {
  const needs: NeededPermission[] = [];
  for (const field of rootFields) {
    if (operation === "mutation") {
      needs.push({ field, permission: MUTATIONS[field] ?? "metadata", access: "write" });
    } else if (QUERY_FIELDS[field]) {
      needs.push({ field, permission: QUERY_FIELDS[field] ?? "metadata", access: "read" });
    }
  }
  return needs;
}
