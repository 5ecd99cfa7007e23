import { defaultRepoConfig } from "../src/config/repoConfig.js";
import type { RedisClient } from "../src/queue/redisConnection.js";
import { redisReviewStore } from "../src/queue/redisReviewStore.js";
import { redisRunStore } from "../src/queue/redisRunStore.js";
import { runKey } from "../src/runs/run.js";
import type { Sandbox } from "../src/sandbox/sandbox.js";
import { seedPulls } from "../src/sandbox/seedPulls.js";

export interface FollowedPullsOptions {
  owner: string;
  repos: number;
  runsPerRepo: number;
  pullsPerRun: number;
  threadsPerPull: number;
  /** author of the seeded threads: someone without write access, so they stay threads, not work */
  reviewer: string;
}

/**
 * Pull requests the app follows as if earlier runs had opened them: per repository, runs in
 * `reviewing` with one complete task and one open PR a group, each PR tracked for review
 * follow-up, its threads by someone the app does not take work from. Written straight into the
 * sandbox's state (seedPulls) and the run and review stores, through their own code: the app
 * then polls them like any PR it opened, without the bench spending minutes opening them.
 * Returns how many PRs it tracked.
 */
export async function seedFollowedPulls(
  sandbox: Sandbox,
  connection: RedisClient,
  prefix: string,
  o: FollowedPullsOptions,
): Promise<number> {
  const store = redisRunStore(connection, prefix);
  const reviews = redisReviewStore(connection, prefix);
  let tracked = 0;
  for (let r = 1; r <= o.repos; r++) {
    const name = `followed-${r}`;
    const full = `${o.owner}/${name}`;
    const repo = await sandbox.createRepo({ owner: o.owner, name });
    for (let k = 0; k < o.runsPerRepo; k++) {
      const issue = sandbox.createIssue(full, {
        title: `Earlier run ${k + 1}`,
        body: "Work done by an earlier run.",
        user: o.owner,
      });
      const pulls = await seedPulls(sandbox, {
        repo: full,
        count: o.pullsPerRun,
        threadsPerPull: o.threadsPerPull,
        reviewer: o.reviewer,
      });
      const key = runKey(o.owner, name, issue.number);
      const now = new Date().toISOString();
      const groups = pulls.map((pull, g) => ({
        name: `part-${g + 1}`,
        branch: `orchestrate/${issue.number}-part-${g + 1}`,
        pull: pull.number,
      }));
      await store.put({
        run: {
          key,
          owner: o.owner,
          repo: name,
          issueNumber: issue.number,
          installationId: repo.installationId,
          state: "reviewing",
          reason: null,
          statusCommentId: null,
          startedBy: o.owner,
          origin: `bench-followed-${r}-${k}`,
          createdAt: now,
          updatedAt: now,
          questions: [],
          conversation: [],
          errors: [],
          awaitingApproval: false,
          config: defaultRepoConfig,
          groups,
        },
        tasks: groups.map((group, g) => ({
          id: `t${g + 1}`,
          group: group.name,
          depends_on: [],
          title: `Part ${g + 1}`,
          description: "Done by an earlier run.",
          priority: 1,
          status: "complete",
          kind: "implement",
          attempts: 1,
        })),
      });
      for (const group of groups) {
        await reviews.track({
          owner: o.owner,
          repo: name,
          number: group.pull,
          installationId: repo.installationId,
          runKey: key,
          group: group.name,
        });
        tracked++;
      }
    }
  }
  return tracked;
}
