import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { findRepo } from "./rest/requireRepo.js";
import { issueCommentJson } from "./shapes/issueCommentJson.js";
import { issueJson } from "./shapes/issueJson.js";
import { labelJson } from "./shapes/labelJson.js";
import { pullJson } from "./shapes/pullJson.js";
import { repositoryJson } from "./shapes/repositoryJson.js";
import { reviewCommentJson } from "./shapes/reviewCommentJson.js";
import { reviewJson } from "./shapes/reviewJson.js";
import { userJson } from "./shapes/userJson.js";
import { nextId, nodeId, type SandboxRepo, type SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

// Webhooks as GitHub sends them: a real example payload from @octokit/webhooks-examples, with its
// repository, sender, issue, comment... swapped for the sandbox's own objects, signed with the
// webhook secret and POSTed with GitHub's headers.

interface ExampleGroup {
  name: string;
  actions: string[];
  examples: Array<Record<string, unknown>>;
}

let examples: ExampleGroup[] | undefined;

function allExamples(): ExampleGroup[] {
  if (!examples) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    examples = JSON.parse(readFileSync(file, "utf8")) as ExampleGroup[];
  }
  return examples;
}

/** A deep copy of the first published example of `event` (with `action`, when given). */
export function examplePayload(event: string, action?: string): Record<string, unknown> {
  const group = allExamples().find((g) => g.name === event);
  if (!group) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  const example = group.examples.find((e) => action === undefined || e["action"] === action);
  if (!example) {
    throw new Error(
      `@octokit/webhooks-examples has no ${event}.${action} example (it has: ${group.actions.join(", ")})`,
    );
  }
  return structuredClone(example);
}

/** Top-level keys every action of these events carries; others belong to one action only. */
const COMMON_KEYS = new Set([
  "action",
  "number",
  "issue",
  "comment",
  "pull_request",
  "review",
  "thread",
  "repository",
  "sender",
  "installation",
  "organization",
  "enterprise",
]);

/**
 * The example for event.action; some documented actions (issues.closed, pull_request.edited)
 * have no published example, so a sibling action's example is used with its action-specific
 * fields dropped (a caller adds e.g. `changes`).
 */
function exampleOrSibling(event: string, action: string | undefined): Record<string, unknown> {
  const group = allExamples().find((g) => g.name === event);
  if (!group || action === undefined || group.examples.some((e) => e["action"] === action)) {
    return examplePayload(event, action);
  }
  if (!group.actions.includes(action)) return examplePayload(event, action);
  const sibling = examplePayload(
    event,
    group.examples.some((e) => e["action"] === "opened") ? "opened" : undefined,
  );
  for (const key of Object.keys(sibling)) if (!COMMON_KEYS.has(key)) delete sibling[key];
  if (action === "labeled" || action === "unlabeled") sibling["label"] = {};
  return { ...sibling, action };
}

export interface EventTargets {
  /** "owner/name" */
  repo: string;
  /** login of whoever acted */
  sender: string;
  issue?: number;
  /** an issue comment (issue_comment) or review comment (pull_request_review_comment) */
  comment?: { id: number; body: string };
  label?: string;
  pull?: number;
  /** review id */
  review?: number;
  /** review thread id (GraphQL node id) */
  thread?: string;
}

/**
 * The example payload of `event`.`action`, pointed at sandbox objects: repository, sender and
 * installation always; issue/comment/label/pull_request/review/thread when the event has them.
 * Pull requests are inferred from a review comment, review or thread when not given.
 */
export function buildEvent(
  sandbox: { state: SandboxState },
  event: string,
  action: string | undefined,
  o: EventTargets,
): Record<string, unknown> {
  const state = sandbox.state;
  const [owner = "", name = ""] = o.repo.split("/");
  const repo = findRepo(state.repos, owner, name);
  if (!repo) throw new Error(`buildEvent: no sandbox repository ${o.repo}`);
  const payload = exampleOrSibling(event, action);
  const need = (what: string): never => {
    throw new Error(`buildEvent(${event}${action ? `.${action}` : ""}): pass ${what}`);
  };

  payload["repository"] = { ...obj(payload["repository"]), ...repositoryJson(state, repo) };
  payload["sender"] = { ...obj(payload["sender"]), ...userJson(state, o.sender) };
  payload["installation"] = {
    id: repo.installationId,
    node_id: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", repo.installationId),
  };
  // The sandbox's owners are users, and user-owned repositories' events carry no organization.
  delete payload["organization"];
  delete payload["enterprise"];

  let pullNumber = o.pull;
  let issueNumber = o.issue;
  if ("comment" in payload) {
    const id = o.comment?.id ?? need("o.comment");
    if (event === "pull_request_review_comment") {
      const comment = repo.reviewComments.get(id) ?? need(`the id of an existing review comment`);
      pullNumber ??= comment.pullNumber;
      payload["comment"] = {
        ...obj(payload["comment"]),
        ...reviewCommentJson(state, repo, comment),
        body: o.comment?.body ?? comment.body,
      };
    } else {
      issueNumber ??= repo.issueComments.get(id)?.issueNumber;
      payload["comment"] = {
        ...obj(payload["comment"]),
        ...issueComment(state, repo, o, id),
      };
    }
  }
  if ("review" in payload) {
    const review =
      repo.reviews.get(o.review ?? need("o.review")) ?? need("the id of an existing review");
    pullNumber ??= review.pullNumber;
    payload["review"] = { ...obj(payload["review"]), ...reviewJson(state, repo, review) };
  }
  if ("thread" in payload) {
    const thread =
      repo.threads.get(o.thread ?? need("o.thread")) ?? need("the id of an existing thread");
    pullNumber ??= thread.pullNumber;
    payload["thread"] = {
      node_id: thread.id,
      comments: thread.commentIds.flatMap((id) => {
        const comment = repo.reviewComments.get(id);
        return comment ? [reviewCommentJson(state, repo, comment)] : [];
      }),
    };
  }
  if ("issue" in payload) {
    const issue =
      repo.issues.get(issueNumber ?? need("o.issue")) ?? need("the number of an existing issue");
    const example = obj(payload["issue"]);
    // an example on a PR must not make a plain issue look like one
    delete example["pull_request"];
    delete example["draft"];
    payload["issue"] = { ...example, ...issueJson(state, repo, issue) };
  }
  if ("pull_request" in payload) {
    const pull =
      repo.pulls.get(pullNumber ?? need("o.pull")) ??
      need("the number of an existing pull request");
    payload["pull_request"] = { ...obj(payload["pull_request"]), ...pullJson(state, repo, pull) };
    if ("number" in payload) payload["number"] = pull.number;
  }
  if ("label" in payload) {
    const labelName = o.label ?? need("o.label");
    const label = repo.labels.get(labelName) ?? {
      id: nextId(state),
      name: labelName,
      color: "ededed",
      description: null,
    };
    repo.labels.set(label.name, label);
    payload["label"] = labelJson(state, repo, label);
  }
  return payload;
}

function issueComment(state: SandboxState, repo: SandboxRepo, o: EventTargets, id: number) {
  const stored = repo.issueComments.get(id);
  if (stored)
    return { ...issueCommentJson(state, repo, stored), body: o.comment?.body ?? stored.body };
  // A comment the sandbox never stored (a hand-made command): shape it like a stored one.
  const now = timestamp(state);
  return issueCommentJson(state, repo, {
    id,
    nodeId: nodeId("IC", id),
    issueNumber: o.issue ?? 0,
    body: o.comment?.body ?? "",
    user: o.sender,
    createdAt: now,
    updatedAt: now,
    history: [],
  });
}

function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? { ...(value as Record<string, unknown>) } : {};
}

export interface Delivery {
  status: number;
  deliveryId: string;
  body: string;
}

/** POSTs a webhook the way GitHub does: exact JSON body, signed, with GitHub's headers. */
export async function deliver(o: {
  url: string;
  secret: string;
  event: string;
  payload: unknown;
  deliveryId?: string;
  /** the app's id, sent as X-GitHub-Hook-Installation-Target-ID like GitHub does for app hooks */
  appId?: number;
}): Promise<Delivery> {
  const deliveryId = o.deliveryId ?? randomUUID();
  const body = JSON.stringify(o.payload);
  const sha256 = createHmac("sha256", o.secret).update(body).digest("hex");
  const sha1 = createHmac("sha1", o.secret).update(body).digest("hex");
  const response = await fetch(o.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/sandbox",
      "x-github-event": o.event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": "1",
      "x-github-hook-installation-target-type": "integration",
      ...(o.appId !== undefined ? { "x-github-hook-installation-target-id": String(o.appId) } : {}),
      "x-hub-signature": `sha1=${sha1}`,
      "x-hub-signature-256": `sha256=${sha256}`,
    },
    body,
    // GitHub gives up on a hook that has not answered within 10 seconds
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, deliveryId, body: await response.text() };
}
