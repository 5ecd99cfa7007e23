import type { SandboxRepo, SandboxReviewComment } from "../state.js";
import { actorNode } from "./actorNode.js";
import { GithubError } from "./githubError.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";
import { pullRequestNode } from "./pullRequestNode.js";
import { repositoryNode } from "./repositoryNode.js";
import { reviewNode } from "./reviewNode.js";

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function commitNode(oid: string) {
  return { __typename: "Commit", oid, abbreviatedOid: oid.slice(0, 7) };
}

export class ReviewCommentNode {
  readonly __typename = "PullRequestReviewComment";
  readonly startLine = null;
  readonly originalStartLine = null;
  readonly isMinimized = false;
  readonly minimizedReason = null;
  readonly state = "SUBMITTED";
  readonly #ctx: GraphqlContext;
  readonly #repo: SandboxRepo;
  readonly #comment: SandboxReviewComment;

  constructor(ctx: GraphqlContext, repo: SandboxRepo, comment: SandboxReviewComment) {
    this.#ctx = ctx;
    this.#repo = repo;
    this.#comment = comment;
  }

  get id() {
    return this.#comment.nodeId;
  }
  get databaseId() {
    return this.#comment.id;
  }
  get fullDatabaseId() {
    return String(this.#comment.id);
  }
  get body() {
    return this.#comment.body;
  }
  /** GitHub renders markdown for bodyText and bodyHTML; the sandbox serves the source text. */
  get bodyText() {
    return this.#comment.body;
  }
  get bodyHTML() {
    return `<p>${escapeHtml(this.#comment.body)}</p>`;
  }
  get createdAt() {
    return githubTime(this.#comment.createdAt);
  }
  get publishedAt() {
    return githubTime(this.#comment.createdAt);
  }
  get updatedAt() {
    return githubTime(this.#comment.updatedAt);
  }
  get path() {
    return this.#comment.path;
  }
  get outdated() {
    return this.#repo.threads.get(this.#comment.threadId)?.isOutdated ?? false;
  }
  get line() {
    return this.outdated ? null : this.#comment.line;
  }
  get originalLine() {
    return this.#comment.originalLine ?? this.#comment.line;
  }
  get diffHunk() {
    return this.#comment.diffHunk;
  }
  get resourcePath() {
    return `/${this.#repo.owner}/${this.#repo.name}/pull/${this.#comment.pullNumber}#discussion_r${this.#comment.id}`;
  }
  get url() {
    return htmlUrl(this.#ctx.state, this.resourcePath);
  }
  /** As over REST: a current comment follows the head commit, an outdated one stays where it was. */
  get commit() {
    const head = this.#repo.pulls.get(this.#comment.pullNumber)?.headSha;
    return commitNode(this.outdated ? this.#comment.commitId : (head ?? this.#comment.commitId));
  }
  get originalCommit() {
    return commitNode(this.#comment.commitId);
  }
  author() {
    return actorNode(this.#ctx, this.#comment.user);
  }
  replyTo() {
    const id = this.#comment.inReplyToId;
    const parent = id === null ? undefined : this.#repo.reviewComments.get(id);
    return parent === undefined ? null : reviewCommentNode(this.#ctx, this.#repo, parent);
  }
  pullRequestReview() {
    const id = this.#comment.reviewId;
    const review = id === null ? undefined : this.#repo.reviews.get(id);
    return review === undefined ? null : reviewNode(this.#ctx, this.#repo, review);
  }
  pullRequest() {
    const pull = this.#repo.pulls.get(this.#comment.pullNumber);
    if (pull === undefined) {
      throw new GithubError(
        "NOT_FOUND",
        `Could not resolve to a PullRequest with the number of ${this.#comment.pullNumber}.`,
      );
    }
    return pullRequestNode(this.#ctx, this.#repo, pull);
  }
  repository() {
    return repositoryNode(this.#ctx, this.#repo);
  }
}

export function reviewCommentNode(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  comment: SandboxReviewComment,
): ReviewCommentNode {
  return new ReviewCommentNode(ctx, repo, comment);
}
