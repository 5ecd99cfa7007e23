import { ensureUser } from "./createState.js";
import { createPull } from "./rest/pulls.js";
import { findRepo } from "./rest/requireRepo.js";
import { addReview, replyToThread } from "./reviewModel.js";
import type { Sandbox } from "./sandbox.js";
import {
  nextId,
  nodeId,
  type SandboxPull,
  type SandboxReviewComment,
  type SandboxReviewThread,
} from "./state.js";
import { timestamp } from "./timestamp.js";

export interface SeedPullsOptions {
  /** "owner/name" of an existing sandbox repository */
  repo: string;
  count: number;
  threadsPerPull: number;
  /** comments in each thread, the first included (1 by default) */
  commentsPerThread?: number;
  /** the reviewer who wrote the comments ("reviewer" by default) */
  reviewer?: string;
  /** head branch of every seeded PR, made from the default branch when missing ("seeded") */
  head?: string;
  /**
   * When everything seeded happened: 10 minutes ago by default, so the seeded world reads as
   * settled history rather than something that changed this second.
   */
  at?: Date;
}

/**
 * Many pull requests with review threads, written straight into the sandbox's state: what
 * would take thousands of REST calls and pushes takes milliseconds, for benchmarks and
 * polling tests. The records are those the REST and GraphQL sides read (a PR and its issue,
 * one review per PR, threads whose comments carry a small synthetic diff hunk); the PRs share
 * one real head branch, so a later push to the repository does not close them.
 */
export async function seedPulls(sandbox: Sandbox, o: SeedPullsOptions): Promise<SandboxPull[]> {
  const { state } = sandbox;
  const [owner = "", name = ""] = o.repo.split("/");
  const repo = findRepo(state.repos, owner, name);
  if (!repo) throw new Error(`The sandbox has no repository ${o.repo}`);
  const head = o.head ?? "seeded";
  const reviewer = o.reviewer ?? "reviewer";
  ensureUser(state, reviewer);
  if (!(await sandbox.branches(o.repo)).some((b) => b.name === head)) {
    await sandbox.commit(o.repo, {
      branch: head,
      files: { "seeded.txt": "seeded\n" },
      message: "Seeded change",
    });
  }
  const branches = await sandbox.branches(o.repo);
  const headSha = branches.find((b) => b.name === head)?.sha ?? "";
  const baseSha = branches.find((b) => b.name === repo.defaultBranch)?.sha ?? "";
  const at = timestamp(state, o.at ?? new Date(state.now().getTime() - 10 * 60_000));
  const hunk = "@@ -0,0 +1 @@\n+seeded";

  const pulls: SandboxPull[] = [];
  for (let p = 0; p < o.count; p++) {
    const pull = createPull(state, repo, {
      title: `Seeded pull request ${p + 1}`,
      body: "",
      user: repo.owner,
      head,
      base: repo.defaultBranch,
      headSha,
      baseSha,
      draft: false,
    });
    const review = addReview(state, repo, {
      pullNumber: pull.number,
      user: reviewer,
      body: "",
      state: "COMMENTED",
      commitId: headSha,
    });
    review.submittedAt = at;
    for (let t = 0; t < o.threadsPerPull; t++) {
      const id = nextId(state);
      const thread: SandboxReviewThread = {
        id: nodeId("PRRT", id),
        pullNumber: pull.number,
        path: "seeded.txt",
        line: 1,
        isResolved: false,
        isOutdated: false,
        resolvedBy: null,
        commentIds: [id],
      };
      const comment: SandboxReviewComment = {
        id,
        nodeId: nodeId("PRRC", id),
        pullNumber: pull.number,
        threadId: thread.id,
        reviewId: review.id,
        body: `Seeded remark ${t + 1} on #${pull.number}`,
        user: reviewer,
        path: "seeded.txt",
        line: 1,
        originalLine: 1,
        side: "RIGHT",
        diffHunk: hunk,
        commitId: headSha,
        inReplyToId: null,
        createdAt: at,
        updatedAt: at,
      };
      repo.threads.set(thread.id, thread);
      repo.reviewComments.set(id, comment);
      for (let c = 1; c < (o.commentsPerThread ?? 1); c++) {
        const reply = replyToThread(state, repo, thread, {
          user: c % 2 === 1 ? repo.owner : reviewer,
          body: `Seeded reply ${c}`,
          reviewId: review.id,
        });
        reply.createdAt = at;
        reply.updatedAt = at;
      }
    }
    // stamped last: the review and comments above moved updatedAt to now
    pull.createdAt = at;
    pull.updatedAt = at;
    const issue = repo.issues.get(pull.number);
    if (issue) {
      issue.createdAt = at;
      issue.updatedAt = at;
    }
    pulls.push(pull);
  }
  return pulls;
}
