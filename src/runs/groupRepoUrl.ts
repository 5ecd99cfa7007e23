import type { GroupRecord } from "./run.js";

/**
 * The web address of the repository a group's branch lives in: the run's own (`repoUrl`), or
 * for an adopted PR from a fork, the fork's on the same host.
 */
export function groupRepoUrl(repoUrl: string, group: Pick<GroupRecord, "headRepo">): string {
  if (!group.headRepo) return repoUrl;
  const { owner, repo } = group.headRepo;
  return `${new URL(repoUrl).origin}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}
