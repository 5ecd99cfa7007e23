import type { TokenAccess } from "../state.js";

// Which of a GitHub App's permissions a REST operation needs, as GitHub's "Permissions required
// for GitHub Apps" page lists them, for the operations the sandbox serves. Reads need read
// access, anything else write; `metadata` is granted to every token.

const BY_PREFIX: Array<[RegExp, string]> = [
  [/^checks\//, "checks"],
  // merging writes the base branch: GitHub asks for contents, not pull_requests
  [/^pulls\/merge$/, "contents"],
  [/^actions\//, "actions"],
  [
    /^repos\/(create-commit-status|get-combined-status-for-ref|list-commit-statuses-for-ref)$/,
    "statuses",
  ],
  [/^pulls\//, "pull_requests"],
  [/^issues\//, "issues"],
  [/^reactions\//, "issues"],
  [/^git\//, "contents"],
  [/^repos\/(get-content|get-branch|list-branches|get-commit|compare-commits)/, "contents"],
];

/** The permission and access an operation needs, or null for operations any token may call. */
export function operationPermission(
  operationId: string,
  method: string,
): { permission: string; access: TokenAccess } | null {
  if (operationId.startsWith("apps/") || operationId.startsWith("users/")) return null;
  if (operationId === "rate-limit/get") return null;
  const access: TokenAccess = method === "GET" || method === "HEAD" ? "read" : "write";
  for (const [pattern, permission] of BY_PREFIX) {
    if (pattern.test(operationId)) return { permission, access };
  }
  return { permission: "metadata", access: "read" };
}
