import type { ProbotOctokit } from "probot";
import type { BaseStanding, RepoCoordinates } from "./githubPort.js";

/**
 * GitHub's view of a pull request against its base: the PR (`mergeable` is null while GitHub
 * computes it in the background; `mergeable_state` `dirty` for a conflict) and the compare API
 * (`behind_by`: base commits the head lacks). Two REST reads, no GraphQL.
 */
export async function readBaseStanding(
  rest: ProbotOctokit["rest"],
  { owner, repo }: RepoCoordinates,
  number: number,
): Promise<BaseStanding> {
  const { data: pull } = await rest.pulls.get({ owner, repo, pull_number: number });
  const standing = {
    open: pull.state === "open",
    base: pull.base.ref,
    baseSha: pull.base.sha,
    headSha: pull.head.sha,
    behindBy: 0,
    mergeable: pull.mergeable ?? null,
    mergeableState: pull.mergeable_state,
  };
  // A closed PR has nothing to catch up with: one request, not two.
  if (!standing.open) return standing;
  const { data: compare } = await rest.repos.compareCommitsWithBasehead({
    owner,
    repo,
    basehead: `${pull.base.ref}...${pull.head.sha}`,
    per_page: 1,
  });
  return { ...standing, baseSha: compare.base_commit.sha, behindBy: compare.behind_by };
}
