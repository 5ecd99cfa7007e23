import type { GitHubPort } from "../github/githubPort.js";
import { githubStatus } from "../github/githubStatus.js";
import { answerOnce } from "./answerOnce.js";
import type { ReviewStore } from "./reviewStore.js";
import { runKey } from "./run.js";
import type { RunStore } from "./runStore.js";
import { settleRun } from "./settleRun.js";
import { withPullState } from "./withPullState.js";

export interface ReopenTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  installationId: number;
}

/**
 * `/orchestrate reopen <group>`: opens a group's pull request closed without merge again and
 * follows it as before. GitHub refuses to reopen a PR whose head branch is gone, so the branch
 * is first made again at the PR's last head commit (GitHub keeps it). Anything else — no such
 * group, a PR that is open or merged — is answered with what there is.
 */
export async function reopenGroup(
  target: ReopenTarget,
  sender: string,
  name: string | null,
  origin: string,
  deps: { github: GitHubPort; store: RunStore; reviews?: ReviewStore | undefined },
): Promise<void> {
  const repo = { owner: target.owner, repo: target.repo };
  const answer = (body: string) =>
    answerOnce(deps.github, repo, target.issueNumber, origin, `@${sender}, ${body}`);
  const key = runKey(target.owner, target.repo, target.issueNumber);
  const snapshot = await deps.store.get(key);
  if (!snapshot || snapshot.run.groups.length === 0) {
    await answer("this issue has no Orchestrate run with pull requests to reopen.");
    return;
  }
  const groups = snapshot.run.groups;
  const group = groups.find((g) => g.name === name);
  if (!group) {
    const list = groups.map((g) => `\`${g.name}\``).join(", ");
    await answer(
      `there is no group \`${name ?? ""}\` in this run; its groups are ${list}. Usage: \`/orchestrate reopen <group>\`.`,
    );
    return;
  }
  if (group.pull === null) {
    await answer(`group \`${group.name}\` has no pull request yet: nothing to reopen.`);
    return;
  }
  let pull = await deps.github.pull(repo, group.pull);
  if (pull.merged || pull.state === "open") {
    await record(pull);
    await answer(
      `#${pull.number} (group \`${group.name}\`) is ${pull.merged ? "merged" : "open"}: nothing to reopen.`,
    );
    return;
  }
  try {
    await deps.github.updatePull(repo, pull.number, { state: "open" });
  } catch (error) {
    if (githubStatus(error) !== 422) throw error;
    // "The head branch was deleted": make it again where the PR left it, then reopen.
    try {
      await deps.github.createBranch(repo, pull.head, pull.headSha);
      await deps.github.updatePull(repo, pull.number, { state: "open" });
    } catch (again) {
      if (githubStatus(again) !== 422) throw again;
      await answer(
        `GitHub refused to reopen #${pull.number}: ${firstLine(again)}. Its branch \`${pull.head}\` was last at ${pull.headSha}; push it there again (or reopen the pull request on GitHub), then comment \`/orchestrate reopen ${group.name}\`.`,
      );
      return;
    }
  }
  pull = await deps.github.pull(repo, pull.number);
  await record(pull);
  if (pull.state === "open") {
    await deps.reviews?.track({
      owner: target.owner,
      repo: target.repo,
      number: pull.number,
      installationId: target.installationId,
      runKey: key,
      group: group.name,
    });
  }
  await settleRun(key, deps.store);

  async function record(p: { state: "open" | "closed"; merged: boolean }): Promise<void> {
    await deps.store.updateRun(key, (run) => ({
      ...run,
      groups: run.groups.map((g) => (g.name === group?.name ? withPullState(g, p) : g)),
    }));
  }
}

function firstLine(error: unknown): string {
  return String((error as { message?: unknown })?.message ?? error).split("\n")[0] ?? "";
}
