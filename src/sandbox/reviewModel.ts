import type { DiffFile } from "./git/parseDiff.js";
import {
  nextId,
  nodeId,
  type SandboxRepo,
  type SandboxReview,
  type SandboxReviewComment,
  type SandboxReviewThread,
  type SandboxState,
} from "./state.js";
import { timestamp } from "./timestamp.js";
import { touchPull } from "./touchPull.js";

// Reviews, review comments and threads, shared by the REST reply route and the people helpers so
// both build exactly the same records the GraphQL side reads. Each moves the PR's updatedAt, as
// a review or a review comment does on GitHub (the pulls list sorted by `updated` shows it).

export function addReview(
  state: SandboxState,
  repo: SandboxRepo,
  o: {
    pullNumber: number;
    user: string;
    body: string;
    state: SandboxReview["state"];
    commitId: string;
  },
): SandboxReview {
  const id = nextId(state);
  const review: SandboxReview = {
    id,
    nodeId: nodeId("PRR", id),
    pullNumber: o.pullNumber,
    user: o.user,
    body: o.body,
    state: o.state,
    submittedAt: timestamp(state),
    commitId: o.commitId,
  };
  repo.reviews.set(id, review);
  touchPull(repo, o.pullNumber, review.submittedAt);
  return review;
}

/** Opens a new thread with its first comment on `path` at `line` of the PR's diff. */
export function openThread(
  state: SandboxState,
  repo: SandboxRepo,
  o: {
    pullNumber: number;
    reviewId: number | null;
    user: string;
    body: string;
    path: string;
    line: number;
    commitId: string;
    files: DiffFile[];
  },
): { thread: SandboxReviewThread; comment: SandboxReviewComment } {
  const diffHunk = hunkUpTo(o.files, o.path, o.line);
  const commentId = nextId(state);
  const thread: SandboxReviewThread = {
    id: nodeId("PRRT", commentId),
    pullNumber: o.pullNumber,
    path: o.path,
    line: o.line,
    isResolved: false,
    isOutdated: false,
    resolvedBy: null,
    commentIds: [commentId],
  };
  const now = timestamp(state);
  const comment: SandboxReviewComment = {
    id: commentId,
    nodeId: nodeId("PRRC", commentId),
    pullNumber: o.pullNumber,
    threadId: thread.id,
    reviewId: o.reviewId,
    body: o.body,
    user: o.user,
    path: o.path,
    line: o.line,
    originalLine: o.line,
    side: "RIGHT",
    diffHunk,
    commitId: o.commitId,
    inReplyToId: null,
    createdAt: now,
    updatedAt: now,
  };
  repo.threads.set(thread.id, thread);
  repo.reviewComments.set(comment.id, comment);
  touchPull(repo, o.pullNumber, now);
  return { thread, comment };
}

/** Adds a reply at the end of a thread, anchored where the thread's first comment is. */
export function replyToThread(
  state: SandboxState,
  repo: SandboxRepo,
  thread: SandboxReviewThread,
  o: { user: string; body: string; reviewId: number | null },
): SandboxReviewComment {
  const rootId = thread.commentIds[0];
  const root = rootId === undefined ? undefined : repo.reviewComments.get(rootId);
  if (!root) throw new Error(`thread ${thread.id} has no comments`);
  const id = nextId(state);
  const now = timestamp(state);
  const reply: SandboxReviewComment = {
    ...root,
    id,
    nodeId: nodeId("PRRC", id),
    reviewId: o.reviewId,
    body: o.body,
    user: o.user,
    inReplyToId: root.id,
    createdAt: now,
    updatedAt: now,
  };
  repo.reviewComments.set(id, reply);
  thread.commentIds.push(id);
  touchPull(repo, thread.pullNumber, now);
  return reply;
}

/**
 * GitHub only lets a review comment sit on a line of the PR's diff; the diff_hunk it stores is
 * the hunk from its header down to the commented line.
 */
export function hunkUpTo(files: DiffFile[], path: string, line: number): string {
  const file = files.find((f) => f.filename === path);
  if (!file) throw new Error(`${path} is not part of the pull request's diff`);
  for (const hunk of file.hunks) {
    if (line < hunk.newStart || line >= hunk.newStart + Math.max(hunk.newLines, 1)) continue;
    const lines = hunk.text.split("\n");
    const out = [lines[0] ?? ""];
    let current = hunk.newStart - 1;
    for (const text of lines.slice(1)) {
      out.push(text);
      // "-" lines exist only on the old side; "\ No newline at end of file" on neither
      const onNewSide = !text.startsWith("-") && !text.startsWith("\\");
      if (onNewSide) current += 1;
      if (onNewSide && current === line) break;
    }
    return out.join("\n");
  }
  throw new Error(`line ${line} of ${path} is not part of the pull request's diff`);
}
