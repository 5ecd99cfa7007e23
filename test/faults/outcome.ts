// What a fault case asserts afterwards, read from GitHub's side (the sandbox) and the branches:
// every task landed exactly once, every group has exactly one pull request, the issue has one
// status comment, and each followed thread one reply.
import { expect } from "vitest";
import type { Harness } from "../e2e/harness.js";
import { appComments, taskCommits } from "../e2e/helpers.js";

export const pullsOf = (h: Harness) => [
  ...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? []),
];

export const threadsOf = (h: Harness, pull: number) =>
  [...(h.sandbox.state.repos.get(h.repo)?.threads.values() ?? [])].filter(
    (t) => t.pullNumber === pull,
  );

export function commentsOf(h: Harness, threadId: string) {
  const repo = h.sandbox.state.repos.get(h.repo);
  return (repo?.threads.get(threadId)?.commentIds ?? [])
    .map((id) => repo?.reviewComments.get(id))
    .filter((c) => c !== undefined);
}

/**
 * `groups` maps each group to its implement tasks. Asserts each task complete with exactly one
 * commit carrying its trailer on its group's branch, one PR per group, one app comment.
 */
export async function expectLandedOnce(
  h: Harness,
  issue: number,
  groups: Record<string, string[]>,
): Promise<void> {
  const snapshot = await h.run(issue);
  for (const [group, ids] of Object.entries(groups)) {
    const branch = `orchestrate/${issue}-${group}`;
    for (const id of ids) {
      expect(snapshot?.tasks.find((t) => t.id === id)?.status, id).toBe("complete");
      expect(taskCommits(h, branch, issue, id), `commits of ${id}`).toHaveLength(1);
    }
    expect(
      pullsOf(h).filter((p) => p.head === branch),
      `pull requests of ${group}`,
    ).toHaveLength(1);
  }
  expect(appComments(h, issue), "the app's comments on the issue").toHaveLength(1);
}
