import type { RepoConfig } from "../config/repoConfig.js";
import type { GroupRecord } from "./run.js";

export type UpdateStrategy =
  | { how: "never" }
  | { how: "merge" | "rebase"; note?: string | undefined };

/**
 * How a group's branch is brought up to date with its moved base. `rebase` rewrites the
 * group's commits, so only while the App's commits are all the branch holds: once a person
 * (or another app) pushed to it (`editedBy`), their commits are never rewritten and the base
 * is merged instead, saying so.
 */
export function updateStrategy(
  update: RepoConfig["update"],
  group: Pick<GroupRecord, "editedBy">,
): UpdateStrategy {
  if (update === "never") return { how: "never" };
  if (update === "merge") return { how: "merge" };
  const others = group.editedBy ?? [];
  if (others.length === 0) return { how: "rebase" };
  return {
    how: "merge",
    note: `merged instead of rebased: ${others.join(", ")} pushed to this branch, and their commits are never rewritten`,
  };
}
