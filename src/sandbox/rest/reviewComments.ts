import { addReview, replyToThread } from "../reviewModel.js";
import { reviewCommentJson } from "../shapes/reviewCommentJson.js";
import { reviewJson } from "../shapes/reviewJson.js";
import type { SandboxRepo, SandboxReviewComment } from "../state.js";
import { timestamp } from "../timestamp.js";
import { checkBody } from "./checkBody.js";
import { fullName } from "./issueEvent.js";
import { paginate } from "./paginate.js";
import { requirePull } from "./pulls.js";
import { intParam, requireRepo } from "./requireRepo.js";
import {
  json,
  notFound,
  type RouteContext,
  type RouteTable,
  validationFailed,
} from "./routeContext.js";

// Review comments and reviews over REST. Threads themselves (resolve, isOutdated) are GraphQL
// only on GitHub; these routes read and extend the same thread records.

export const reviewCommentRoutes: RouteTable = {
  "pulls/list-review-comments": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const comments = sortComments(
      ctx,
      [...repo.reviewComments.values()].filter((c) => c.pullNumber === pull.number),
      "created",
    );
    const { page, headers } = paginate(ctx, comments);
    return json(
      200,
      page.map((c) => reviewCommentJson(ctx.state, repo, c)),
      headers,
    );
  },

  "pulls/list-review-comments-for-repo": (ctx) => {
    const repo = requireRepo(ctx);
    const comments = sortComments(ctx, [...repo.reviewComments.values()], undefined);
    const { page, headers } = paginate(ctx, comments);
    return json(
      200,
      page.map((c) => reviewCommentJson(ctx.state, repo, c)),
      headers,
    );
  },

  "pulls/get-review-comment": (ctx) => {
    const repo = requireRepo(ctx);
    return json(200, reviewCommentJson(ctx.state, repo, requireReviewComment(repo, ctx)));
  },

  "pulls/update-review-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = requireReviewComment(repo, ctx);
    comment.body = (ctx.body as { body: string }).body;
    comment.updatedAt = timestamp(ctx.state);
    return json(200, reviewCommentJson(ctx.state, repo, comment));
  },

  "pulls/create-reply-for-review-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const target = repo.reviewComments.get(intParam(ctx, "comment_id"));
    if (!target || target.pullNumber !== pull.number) throw notFound();
    if (target.inReplyToId !== null) {
      // GitHub: "only top-level comments are allowed. Replies to replies are not supported."
      throw validationFailed({
        resource: "PullRequestReviewComment",
        code: "custom",
        field: "in_reply_to",
        message: "in_reply_to must be a top-level review comment, not a reply",
      });
    }
    const thread = repo.threads.get(target.threadId);
    if (!thread) throw notFound();
    const body = (ctx.body as { body: string }).body;
    checkBody("PullRequestReviewComment", body);
    // On GitHub every reply comes with its own single-comment review.
    const review = addReview(ctx.state, repo, {
      pullNumber: pull.number,
      user: ctx.actor,
      body: "",
      state: "COMMENTED",
      commitId: pull.headSha,
    });
    const reply = replyToThread(ctx.state, repo, thread, {
      user: ctx.actor,
      body,
      reviewId: review.id,
    });
    const targets = { repo: fullName(repo), pull: pull.number };
    ctx.emit("pull_request_review", "submitted", { ...targets, review: review.id });
    ctx.emit("pull_request_review_comment", "created", { ...targets, comment: reply });
    const out = reviewCommentJson(ctx.state, repo, reply);
    return json(201, out, { location: out.url });
  },

  "pulls/list-reviews": (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const reviews = [...repo.reviews.values()]
      .filter((r) => r.pullNumber === pull.number)
      .sort((a, b) => a.id - b.id);
    const { page, headers } = paginate(ctx, reviews);
    return json(
      200,
      page.map((r) => reviewJson(ctx.state, repo, r)),
      headers,
    );
  },
};

function sortComments(
  ctx: RouteContext,
  comments: SandboxReviewComment[],
  defaultSort: string | undefined,
): SandboxReviewComment[] {
  const since = ctx.query.get("since");
  const filtered = comments.filter((c) => !since || c.updatedAt >= since);
  const sort = ctx.query.get("sort") ?? defaultSort;
  // Without `sort`, GitHub returns review comments in ascending id order.
  if (!sort) return filtered.sort((a, b) => a.id - b.id);
  const key = (c: SandboxReviewComment) => (sort === "updated" ? c.updatedAt : c.createdAt);
  const sorted = filtered.sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
  const direction = ctx.query.get("direction") ?? (ctx.query.get("sort") ? "desc" : "asc");
  return direction === "desc" ? sorted.reverse() : sorted;
}

function requireReviewComment(repo: SandboxRepo, ctx: RouteContext): SandboxReviewComment {
  const comment = repo.reviewComments.get(intParam(ctx, "comment_id"));
  if (!comment) throw notFound();
  return comment;
}
