import { userJson } from "../shapes/userJson.js";
import {
  nextId,
  nodeId,
  type SandboxReaction,
  type SandboxRepo,
  type SandboxState,
} from "../state.js";
import { timestamp } from "../timestamp.js";
import { intParam, requireRepo } from "./requireRepo.js";
import { json, notFound, type RouteContext, type RouteTable } from "./routeContext.js";

// Reactions on issues and issue comments. Reacting twice with the same content returns the
// existing reaction with 200 instead of 201, as GitHub does.

export const reactionRoutes: RouteTable = {
  "reactions/create-for-issue": (ctx) => {
    const repo = requireRepo(ctx);
    const number = intParam(ctx, "issue_number");
    if (!repo.issues.has(number)) throw notFound();
    return react(ctx, repo, `issue:${number}`);
  },

  "reactions/create-for-issue-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const id = intParam(ctx, "comment_id");
    if (!repo.issueComments.has(id)) throw notFound();
    return react(ctx, repo, `comment:${id}`);
  },
};

function react(ctx: RouteContext, repo: SandboxRepo, subject: string) {
  const content = (ctx.body as { content: string }).content;
  const existing = repo.reactions.find(
    (r) => r.subject === subject && r.user === ctx.actor && r.content === content,
  );
  if (existing) return json(200, reactionJson(ctx.state, existing));
  const reaction: SandboxReaction = {
    id: nextId(ctx.state),
    content,
    user: ctx.actor,
    subject,
    createdAt: timestamp(ctx.state),
  };
  repo.reactions.push(reaction);
  return json(201, reactionJson(ctx.state, reaction));
}

function reactionJson(state: SandboxState, reaction: SandboxReaction) {
  return {
    id: reaction.id,
    node_id: nodeId("REA", reaction.id),
    user: userJson(state, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt ?? timestamp(state),
  };
}
