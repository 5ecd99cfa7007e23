import { BareRepo } from "./git/bareRepo.js";
import type { SandboxPull, SandboxRepo, SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

/** The base branch has changes the head conflicts with: GitHub cannot make the merge commit. */
export class MergeConflictError extends Error {}

/**
 * Merges an open pull request the way GitHub's merge button does by default: a merge commit
 * (`--no-ff`) of its head on its base branch, titled "Merge pull request #N from owner/branch";
 * the PR (and the issue GitHub keeps for it) is closed as merged. Returns the merge commit.
 */
export async function mergePull(
  state: SandboxState,
  repo: SandboxRepo,
  pull: SandboxPull,
  by: string,
  o: { title?: string | undefined; message?: string | undefined } = {},
): Promise<string> {
  const fromFork = pull.headRepoId !== undefined;
  const title =
    o.title ??
    `Merge pull request #${pull.number} from ${fromFork ? pull.headOwner : repo.owner}/${pull.head}`;
  let sha: string;
  try {
    sha = await new BareRepo(repo.gitDir).merge({
      base: pull.base,
      head: pull.head,
      headSha: pull.headSha,
      message: `${title}\n\n${o.message ?? pull.title}`,
    });
  } catch (error) {
    if (/has conflicts/.test(String((error as Error).message))) throw new MergeConflictError();
    throw error;
  }
  const now = timestamp(state);
  pull.merged = true;
  pull.mergedAt = now;
  pull.mergeCommitSha = sha;
  pull.mergedBy = by;
  pull.baseSha = sha;
  pull.state = "closed";
  pull.closedAt = now;
  pull.updatedAt = now;
  const issue = repo.issues.get(pull.number);
  if (issue) {
    issue.state = "closed";
    issue.closedAt = now;
    issue.updatedAt = now;
  }
  return sha;
}
