import { mergePull } from "./mergePull.js";
import { pullFiles } from "./rest/pullStats.js";
import { addReview, hunkUpTo, openThread, replyToThread } from "./reviewModel.js";
import type {
  SandboxRepo,
  SandboxReview,
  SandboxReviewComment,
  SandboxReviewThread,
  SandboxState,
} from "./state.js";
import { timestamp } from "./timestamp.js";

// What people do on GitHub that the app reacts to: review with line comments, reply in a
// thread, resolve it, close or merge a pull request. These write the state exactly as the
// GitHub UI would; webhooks for them are sent by the Sandbox wrapper.

export async function postReview(
  state: SandboxState,
  repo: SandboxRepo,
  pullNumber: number,
  o: { user: string; body?: string; comments: Array<{ path: string; line: number; body: string }> },
): Promise<{
  review: SandboxReview;
  threads: SandboxReviewThread[];
  comments: SandboxReviewComment[];
}> {
  const pull = repo.pulls.get(pullNumber);
  if (!pull) throw new Error(`${repo.owner}/${repo.name} has no pull request #${pullNumber}`);
  const files = await pullFiles(repo, pull);
  // GitHub refuses the whole review if one comment is off the diff: check before writing.
  for (const c of o.comments) hunkUpTo(files, c.path, c.line);
  const review = addReview(state, repo, {
    pullNumber,
    user: o.user,
    body: o.body ?? "",
    state: "COMMENTED",
    commitId: pull.headSha,
  });
  const threads: SandboxReviewThread[] = [];
  const comments: SandboxReviewComment[] = [];
  for (const c of o.comments) {
    const opened = openThread(state, repo, {
      pullNumber,
      reviewId: review.id,
      user: o.user,
      body: c.body,
      path: c.path,
      line: c.line,
      commitId: pull.headSha,
      files,
    });
    threads.push(opened.thread);
    comments.push(opened.comment);
  }
  return { review, threads, comments };
}

/** A reply in a thread; like on GitHub it comes with its own one-comment review. */
export function replyInThread(
  state: SandboxState,
  repo: SandboxRepo,
  threadId: string,
  user: string,
  body: string,
): { review: SandboxReview; comment: SandboxReviewComment } {
  const thread = requireThread(repo, threadId);
  const pull = repo.pulls.get(thread.pullNumber);
  const review = addReview(state, repo, {
    pullNumber: thread.pullNumber,
    user,
    body: "",
    state: "COMMENTED",
    commitId: pull?.headSha ?? "",
  });
  const comment = replyToThread(state, repo, thread, { user, body, reviewId: review.id });
  return { review, comment };
}

export function setThreadResolved(
  repo: SandboxRepo,
  threadId: string,
  resolved: boolean,
  by: string,
): SandboxReviewThread {
  const thread = requireThread(repo, threadId);
  thread.isResolved = resolved;
  thread.resolvedBy = resolved ? by : null;
  return thread;
}

/** Closes a pull request, or merges it (a real merge commit on the base branch) first. */
export async function closePull(
  state: SandboxState,
  repo: SandboxRepo,
  pullNumber: number,
  merged: boolean,
  by: string,
): Promise<void> {
  const pull = repo.pulls.get(pullNumber);
  if (!pull) throw new Error(`${repo.owner}/${repo.name} has no pull request #${pullNumber}`);
  if (pull.state !== "open") throw new Error(`pull request #${pullNumber} is not open`);
  if (merged) {
    await mergePull(state, repo, pull, by);
    return;
  }
  const now = timestamp(state);
  pull.state = "closed";
  pull.closedAt = now;
  pull.updatedAt = now;
  const issue = repo.issues.get(pullNumber);
  if (issue) {
    issue.state = "closed";
    issue.closedAt = now;
    issue.updatedAt = now;
  }
}

function requireThread(repo: SandboxRepo, threadId: string): SandboxReviewThread {
  const thread = repo.threads.get(threadId);
  if (!thread) throw new Error(`${repo.owner}/${repo.name} has no review thread ${threadId}`);
  return thread;
}
