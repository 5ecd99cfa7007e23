import { issueCommentJson } from "../shapes/issueCommentJson.js";
import { issueJson } from "../shapes/issueJson.js";
import { labelJson } from "../shapes/labelJson.js";
import {
  nextId,
  nodeId,
  type SandboxIssue,
  type SandboxRepo,
  type SandboxState,
} from "../state.js";
import { timestamp } from "../timestamp.js";
import { checkBody } from "./checkBody.js";
import { fullName, issueEvent } from "./issueEvent.js";
import { paginate } from "./paginate.js";
import { intParam, requireRepo } from "./requireRepo.js";
import {
  json,
  notFound,
  type RouteContext,
  type RouteTable,
  validationFailed,
} from "./routeContext.js";

// Issues, issue comments and labels. A pull request is an issue too: issue routes work on PR
// numbers and keep the PR's own record (title, body, state) in step.

type LabelInput = string | { name?: string };

export const issueRoutes: RouteTable = {
  "issues/get": (ctx) => {
    const repo = requireRepo(ctx);
    return json(200, issueJson(ctx.state, repo, requireIssue(repo, ctx)));
  },

  "issues/list-for-repo": (ctx) => {
    const repo = requireRepo(ctx);
    const state = ctx.query.get("state") ?? "open";
    const labels = (ctx.query.get("labels") ?? "").split(",").filter(Boolean);
    const creator = ctx.query.get("creator");
    const since = ctx.query.get("since");
    let issues = [...repo.issues.values()].filter(
      (i) =>
        (state === "all" || i.state === state) &&
        labels.every((l) => i.labels.includes(l)) &&
        (!creator || i.user === creator) &&
        (!since || i.updatedAt >= since),
    );
    const sort = ctx.query.get("sort") ?? "created";
    const key = (i: SandboxIssue) => (sort === "updated" ? i.updatedAt : i.createdAt);
    issues = issues.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
    if ((ctx.query.get("direction") ?? "desc") === "desc") issues.reverse();
    const { page, headers } = paginate(ctx, issues);
    return json(
      200,
      page.map((i) => issueJson(ctx.state, repo, i)),
      headers,
    );
  },

  "issues/create": (ctx) => {
    const repo = requireRepo(ctx);
    const body = ctx.body as {
      title: string | number;
      body?: string | null;
      labels?: LabelInput[];
    };
    checkBody("Issue", body.body ?? "", true);
    const issue = createIssue(ctx.state, repo, {
      title: String(body.title),
      body: body.body ?? "",
      user: ctx.actor,
      labels: labelNames(body.labels ?? []),
    });
    issueEvent(ctx, repo, issue, "opened");
    const out = issueJson(ctx.state, repo, issue);
    return json(201, out, { location: out.url });
  },

  "issues/update": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const body = ctx.body as {
      title?: string | number | null;
      body?: string | null;
      state?: "open" | "closed";
      state_reason?: SandboxIssue["stateReason"];
      labels?: LabelInput[];
    };
    checkBody("Issue", body.body ?? "", true);
    const before = { ...issue };
    const now = timestamp(ctx.state);
    if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
    if (body.body !== undefined) issue.body = body.body ?? "";
    if (body.labels !== undefined)
      issue.labels = useLabels(ctx.state, repo, labelNames(body.labels));
    if (body.state !== undefined && body.state !== issue.state) {
      issue.state = body.state;
      issue.closedAt = body.state === "closed" ? now : null;
      issue.stateReason = body.state === "closed" ? (body.state_reason ?? "completed") : "reopened";
    }
    issue.updatedAt = now;
    const pull = repo.pulls.get(issue.number);
    if (pull) {
      pull.title = issue.title;
      pull.body = issue.body;
      if (pull.state !== issue.state && !pull.merged) {
        pull.state = issue.state;
        pull.closedAt = issue.closedAt ?? null;
      }
      pull.updatedAt = now;
    }
    updateEvents(ctx, repo, before, issue);
    return json(200, issueJson(ctx.state, repo, issue));
  },

  "issues/list-comments": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const since = ctx.query.get("since");
    const comments = [...repo.issueComments.values()]
      .filter((c) => c.issueNumber === issue.number && (!since || c.updatedAt >= since))
      .sort((a, b) => a.id - b.id);
    const { page, headers } = paginate(ctx, comments);
    return json(
      200,
      page.map((c) => issueCommentJson(ctx.state, repo, c)),
      headers,
    );
  },

  "issues/create-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const body = (ctx.body as { body: string }).body;
    checkBody("IssueComment", body);
    const comment = addIssueComment(ctx.state, repo, issue.number, ctx.actor, body);
    ctx.emit("issue_comment", "created", { repo: fullName(repo), issue: issue.number, comment });
    const out = issueCommentJson(ctx.state, repo, comment);
    return json(201, out, { location: out.url });
  },

  "issues/get-comment": (ctx) => {
    const repo = requireRepo(ctx);
    return json(200, issueCommentJson(ctx.state, repo, requireComment(repo, ctx)));
  },

  "issues/update-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = requireComment(repo, ctx);
    const body = (ctx.body as { body: string }).body;
    checkBody("IssueComment", body);
    const from = comment.body;
    comment.body = body;
    comment.history.push(body);
    comment.updatedAt = timestamp(ctx.state);
    const targets = { repo: fullName(repo), issue: comment.issueNumber, comment };
    ctx.emit("issue_comment", "edited", targets, { changes: { body: { from } } });
    return json(200, issueCommentJson(ctx.state, repo, comment));
  },

  "issues/delete-comment": (ctx) => {
    const repo = requireRepo(ctx);
    const comment = requireComment(repo, ctx);
    ctx.emit("issue_comment", "deleted", {
      repo: fullName(repo),
      issue: comment.issueNumber,
      comment,
    });
    repo.issueComments.delete(comment.id);
    return { status: 204 };
  },

  "issues/list-labels-on-issue": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const { page, headers } = paginate(ctx, issueLabels(ctx.state, repo, issue));
    return json(200, page, headers);
  },

  "issues/add-labels": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const before = { ...issue };
    const names = labelNames((ctx.body as { labels?: LabelInput[] }).labels ?? []);
    issue.labels = useLabels(ctx.state, repo, [...issue.labels, ...names]);
    issue.updatedAt = timestamp(ctx.state);
    updateEvents(ctx, repo, before, issue);
    return json(200, issueLabels(ctx.state, repo, issue));
  },

  "issues/remove-label": (ctx) => {
    const repo = requireRepo(ctx);
    const issue = requireIssue(repo, ctx);
    const name = ctx.params["name"] ?? "";
    if (!issue.labels.includes(name)) throw notFound("Label does not exist");
    const before = { ...issue };
    issue.labels = issue.labels.filter((l) => l !== name);
    issue.updatedAt = timestamp(ctx.state);
    updateEvents(ctx, repo, before, issue);
    return json(200, issueLabels(ctx.state, repo, issue));
  },

  "issues/create-label": (ctx) => {
    const repo = requireRepo(ctx);
    const body = ctx.body as { name: string; color?: string; description?: string };
    if (findLabel(repo, body.name)) {
      throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
    }
    const label = {
      id: nextId(ctx.state),
      name: body.name,
      color: (body.color ?? "ededed").replace(/^#/, ""),
      description: body.description ?? null,
    };
    repo.labels.set(label.name, label);
    return json(201, labelJson(ctx.state, repo, label));
  },

  "issues/get-label": (ctx) => {
    const repo = requireRepo(ctx);
    const label = findLabel(repo, ctx.params["name"] ?? "");
    if (!label) throw notFound();
    return json(200, labelJson(ctx.state, repo, label));
  },
};

/** The webhooks an issue update sends: edited, labeled/unlabeled per label, closed/reopened. */
function updateEvents(
  ctx: RouteContext,
  repo: SandboxRepo,
  before: SandboxIssue,
  after: SandboxIssue,
) {
  const changes: Record<string, { from: string }> = {};
  if (after.title !== before.title) changes["title"] = { from: before.title };
  if (after.body !== before.body) changes["body"] = { from: before.body };
  if (Object.keys(changes).length > 0)
    issueEvent(ctx, repo, after, "edited", { patch: { changes } });
  for (const label of after.labels.filter((l) => !before.labels.includes(l))) {
    issueEvent(ctx, repo, after, "labeled", { label });
  }
  for (const label of before.labels.filter((l) => !after.labels.includes(l))) {
    issueEvent(ctx, repo, after, "unlabeled", { label });
  }
  if (after.state !== before.state) {
    issueEvent(ctx, repo, after, after.state === "closed" ? "closed" : "reopened");
  }
}

export function createIssue(
  state: SandboxState,
  repo: SandboxRepo,
  o: { title: string; body: string; user: string; labels?: string[] },
): SandboxIssue {
  const now = timestamp(state);
  const id = nextId(state);
  const issue: SandboxIssue = {
    number: takeNumber(repo),
    id,
    nodeId: nodeId("I", id),
    title: o.title,
    body: o.body,
    user: o.user,
    state: "open",
    labels: useLabels(state, repo, o.labels ?? []),
    isPull: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    stateReason: null,
  };
  repo.issues.set(issue.number, issue);
  return issue;
}

export function addIssueComment(
  state: SandboxState,
  repo: SandboxRepo,
  issueNumber: number,
  user: string,
  body: string,
) {
  const now = timestamp(state);
  const id = nextId(state);
  const comment = {
    id,
    nodeId: nodeId("IC", id),
    issueNumber,
    body,
    user,
    createdAt: now,
    updatedAt: now,
    history: [body],
  };
  repo.issueComments.set(id, comment);
  const issue = repo.issues.get(issueNumber);
  if (issue) issue.updatedAt = now;
  // a comment on a PR's conversation moves the PR (the same object on GitHub)
  const pull = repo.pulls.get(issueNumber);
  if (pull) pull.updatedAt = now;
  return comment;
}

/** Issues and pull requests share one number sequence per repository. */
export function takeNumber(repo: SandboxRepo): number {
  const used = Math.max(0, ...repo.issues.keys(), ...repo.pulls.keys());
  repo.nextNumber = Math.max(repo.nextNumber, used + 1);
  const number = repo.nextNumber;
  repo.nextNumber += 1;
  return number;
}

/** Applies label names to an issue, creating unknown labels as GitHub does. */
export function useLabels(state: SandboxState, repo: SandboxRepo, names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const label =
      findLabel(repo, name) ??
      (() => {
        const created = { id: nextId(state), name, color: "ededed", description: null };
        repo.labels.set(name, created);
        return created;
      })();
    if (!out.includes(label.name)) out.push(label.name);
  }
  return out;
}

function findLabel(repo: SandboxRepo, name: string) {
  const exact = repo.labels.get(name);
  if (exact) return exact;
  const wanted = name.toLowerCase();
  for (const label of repo.labels.values()) if (label.name.toLowerCase() === wanted) return label;
  return undefined;
}

function labelNames(input: LabelInput[]): string[] {
  return input.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean);
}

function issueLabels(state: SandboxState, repo: SandboxRepo, issue: SandboxIssue) {
  return issue.labels.flatMap((name) => {
    const label = repo.labels.get(name);
    return label ? [labelJson(state, repo, label)] : [];
  });
}

function requireIssue(repo: SandboxRepo, ctx: RouteContext): SandboxIssue {
  const issue = repo.issues.get(intParam(ctx, "issue_number"));
  if (!issue) throw notFound();
  return issue;
}

function requireComment(repo: SandboxRepo, ctx: RouteContext) {
  const comment = repo.issueComments.get(intParam(ctx, "comment_id"));
  if (!comment) throw notFound();
  return comment;
}
