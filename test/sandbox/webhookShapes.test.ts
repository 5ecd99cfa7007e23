import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiIndex } from "../../src/sandbox/rest/openApiIndex.js";
import { createPull } from "../../src/sandbox/rest/pulls.js";
import { validateSchema } from "../../src/sandbox/rest/validateSchema.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { buildEvent, type EventTargets } from "../../src/sandbox/webhookDriver.js";

// Payloads built by the driver must fit GitHub's published webhook schemas (the x-webhooks part
// of GitHub's OpenAPI description), not only the example they start from.

let sandbox: Sandbox;
let targets: Record<string, Omit<EventTargets, "sender" | "repo">>;

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const repo = await sandbox.createRepo({
    owner: "acme",
    name: "hooks",
    files: { "a.txt": "a\n" },
  });
  const issue = sandbox.createIssue("acme/hooks", {
    title: "Spec",
    body: "b",
    user: "alice",
    labels: ["orchestrate"],
  });
  const comment = await sandbox.comment("acme/hooks", issue.number, "alice", "/orchestrate");
  const head = await sandbox.commit("acme/hooks", {
    branch: "f",
    files: { "a.txt": "a\nb\n" },
    message: "b",
  });
  const base = (await sandbox.branches("acme/hooks")).find((b) => b.name === "main")!.sha;
  const pull = createPull(sandbox.state, repo, {
    title: "F",
    body: "",
    user: "alice",
    head: "f",
    base: "main",
    headSha: head,
    baseSha: base,
    draft: false,
  });
  const { review, threads } = await sandbox.postReview("acme/hooks", pull.number, {
    user: "alice",
    comments: [{ path: "a.txt", line: 2, body: "why?" }],
  });
  const reviewComment = repo.reviewComments.get(threads[0]!.commentIds[0]!)!;
  targets = {
    issue: { issue: issue.number, label: "orchestrate" },
    comment: { issue: issue.number, comment: comment },
    pull: { pull: pull.number, label: "orchestrate" },
    review: { review: review.id },
    reviewComment: { comment: reviewComment },
    thread: { thread: threads[0]!.id },
  };
});
afterAll(() => sandbox.close());

const cases: Array<[string, string, string]> = [
  ["issues", "opened", "issue"],
  ["issues", "labeled", "issue"],
  ["issues", "unlabeled", "issue"],
  ["issues", "edited", "issue"],
  ["issues", "closed", "issue"],
  ["issues", "reopened", "issue"],
  ["issue_comment", "created", "comment"],
  ["issue_comment", "edited", "comment"],
  ["issue_comment", "deleted", "comment"],
  ["pull_request", "opened", "pull"],
  ["pull_request", "closed", "pull"],
  ["pull_request", "reopened", "pull"],
  ["pull_request", "edited", "pull"],
  ["pull_request", "synchronize", "pull"],
  ["pull_request", "labeled", "pull"],
  ["pull_request_review", "submitted", "review"],
  ["pull_request_review_comment", "created", "reviewComment"],
  ["pull_request_review_thread", "resolved", "thread"],
  ["pull_request_review_thread", "unresolved", "thread"],
];

describe("webhook payloads", () => {
  it.each(cases)("%s.%s fits GitHub's webhook schema", (event, action, kind) => {
    const built = buildEvent(sandbox, event, action, {
      repo: "acme/hooks",
      sender: "alice",
      ...targets[kind],
    });
    // as the REST routes do for edits: say what changed
    const payload =
      action === "edited" ? { ...built, changes: { body: { from: "before" } } } : built;
    const name = `webhook-${event.replaceAll("_", "-")}-${action}`;
    const schema = openApiIndex().doc.components["schemas"]?.[name];
    expect(schema, name).toBeDefined();
    const errors = validateSchema(
      openApiIndex().doc,
      { $ref: `#/components/schemas/${name}` },
      payload,
    );
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
