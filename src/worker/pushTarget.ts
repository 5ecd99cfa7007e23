import type { GitHubPort, RepoInfo } from "../github/githubPort.js";
import type { GroupRecord, RunRecord } from "../runs/run.js";
import type { RepoRef } from "./workspace.js";

export type PushTarget = { ok: true; repo: RepoRef } | { ok: false; detail: string };

/**
 * The repository a group's work is fetched from and pushed to: the run's own, or for an
 * adopted PR from a fork, the fork as the PR names it now. GitHub takes the App's push there
 * only while the fork exists and the PR allows edits by maintainers, so that is asked before
 * every attempt rather than learnt from a refused push.
 */
export async function pushTarget(
  github: GitHubPort,
  run: RunRecord,
  group: GroupRecord | undefined,
  info: RepoInfo,
): Promise<PushTarget> {
  const own: RepoRef = {
    owner: run.owner,
    name: run.repo,
    cloneUrl: info.cloneUrl,
    defaultBranch: info.defaultBranch,
  };
  if (!group?.headRepo) return { ok: true, repo: own };
  const fork = `${group.headRepo.owner}/${group.headRepo.repo}`;
  if (group.pull === null) {
    return {
      ok: false,
      detail: `the group's branch lives in the fork ${fork}, but it has no pull request`,
    };
  }
  const pull = await github.pull({ owner: run.owner, repo: run.repo }, group.pull);
  if (pull.headRepo === null) {
    return {
      ok: false,
      detail: `the branch of #${pull.number} lived in the fork ${fork}, which has been deleted: there is nowhere to push`,
    };
  }
  if (!pull.maintainerCanModify) {
    return {
      ok: false,
      detail: `the branch of #${pull.number} lives in the fork ${pull.headRepo.owner}/${pull.headRepo.repo}, which no longer lets maintainers push to it: its author can tick "Allow edits by maintainers" on the pull request`,
    };
  }
  return {
    ok: true,
    repo: {
      owner: pull.headRepo.owner,
      name: pull.headRepo.repo,
      cloneUrl: pull.headRepo.cloneUrl,
      defaultBranch: pull.headRepo.defaultBranch,
    },
  };
}
