import type { GraphQLResolveInfo } from "graphql";
import type { SandboxRepo, SandboxReviewComment, SandboxReviewThread } from "../state.js";
import { userNode } from "./actorNode.js";
import { type ConnectionArgs, connection } from "./connection.js";
import { GithubError } from "./githubError.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { pullRequestNode } from "./pullRequestNode.js";
import { repositoryNode } from "./repositoryNode.js";
import { reviewCommentNode } from "./reviewCommentNode.js";

/** A thread's comments, oldest first (the order GitHub lists them in). */
export function threadComments(
  repo: SandboxRepo,
  thread: SandboxReviewThread,
): SandboxReviewComment[] {
  const comments: SandboxReviewComment[] = [];
  for (const id of thread.commentIds) {
    const comment = repo.reviewComments.get(id);
    if (comment !== undefined) comments.push(comment);
  }
  return comments;
}

// The sandbox's threads are single-line: startLine is null; line is what the REST side left in
// the thread (null once outdated), originalLine and diffSide come from the thread's first comment.
export class ReviewThreadNode {
  readonly __typename = "PullRequestReviewThread";
  readonly startLine = null;
  readonly originalStartLine = null;
  readonly startDiffSide = null;
  readonly viewerCanReply = true;
  readonly #ctx: GraphqlContext;
  readonly #repo: SandboxRepo;
  readonly #thread: SandboxReviewThread;

  constructor(ctx: GraphqlContext, repo: SandboxRepo, thread: SandboxReviewThread) {
    this.#ctx = ctx;
    this.#repo = repo;
    this.#thread = thread;
  }

  #root(): SandboxReviewComment | undefined {
    const id = this.#thread.commentIds[0];
    return id === undefined ? undefined : this.#repo.reviewComments.get(id);
  }

  get id() {
    return this.#thread.id;
  }
  get isResolved() {
    return this.#thread.isResolved;
  }
  get isOutdated() {
    return this.#thread.isOutdated;
  }
  /** GitHub's web UI folds resolved threads; that is what isCollapsed reports. */
  get isCollapsed() {
    return this.#thread.isResolved;
  }
  get path() {
    return this.#thread.path;
  }
  get line() {
    return this.#thread.line;
  }
  get originalLine() {
    const root = this.#root();
    return root?.originalLine ?? root?.line ?? this.#thread.line;
  }
  get diffSide() {
    return this.#root()?.side ?? "RIGHT";
  }
  get subjectType() {
    return this.#thread.line === null && !this.#thread.isOutdated ? "FILE" : "LINE";
  }
  get viewerCanResolve() {
    return !this.#thread.isResolved;
  }
  get viewerCanUnresolve() {
    return this.#thread.isResolved;
  }
  resolvedBy() {
    return this.#thread.isResolved ? userNode(this.#ctx, this.#thread.resolvedBy) : null;
  }
  comments(args: ConnectionArgs, _ctx: unknown, info: GraphQLResolveInfo) {
    const ctx = this.#ctx;
    const repo = this.#repo;
    return connection(
      threadComments(repo, this.#thread),
      (comment) => String(comment.id),
      (comment) => reviewCommentNode(ctx, repo, comment),
      args,
      info,
    );
  }
  pullRequest() {
    const pull = this.#repo.pulls.get(this.#thread.pullNumber);
    if (pull === undefined) {
      throw new GithubError(
        "NOT_FOUND",
        `Could not resolve to a PullRequest with the number of ${this.#thread.pullNumber}.`,
      );
    }
    return pullRequestNode(this.#ctx, this.#repo, pull);
  }
  repository() {
    return repositoryNode(this.#ctx, this.#repo);
  }
}

export function reviewThreadNode(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  thread: SandboxReviewThread,
): ReviewThreadNode {
  return new ReviewThreadNode(ctx, repo, thread);
}
