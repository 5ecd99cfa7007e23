import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../e2e/harness.js";
import { appComments, backendsJson, specOf, waitFor } from "../e2e/helpers.js";
import { MAINTAINER, startFaultHarness } from "./faultHarness.js";
import { commentsOf, expectLandedOnce, pullsOf, threadsOf } from "./outcome.js";

const READER = "reader-user";
const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: routes, group: api, title: REST routes, description: Add routes. }",
]);
const GROUPS = { db: ["schema"], api: ["routes"] };

// GitHub delivers at least once and in no promised order; an operator may redeliver by hand.
// (A delivery with a forged signature is refused with nothing stored: test/e2e/trigger.test.ts.)
describe("duplicate and out-of-order webhook deliveries", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFaultHarness({
      env: {
        WORKER_CONCURRENCY: "2",
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
      },
    });
    h.sandbox.setPermission(h.repo, READER, "read");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(() => h.close());

  const newIssue = (body = SPEC) =>
    h.sandbox.createIssue(h.repo, { title: "Saved searches", body, user: MAINTAINER }).number;
  const reactions = (issue: number) =>
    h.sandbox.state.repos
      .get(h.repo)
      ?.reactions.filter((r) => r.subject === `issue:${issue}`)
      .map((r) => r.content);

  it("the same label delivery three times at once starts one run, with one answer", async () => {
    const issue = newIssue();
    const label = { repo: h.repo, sender: MAINTAINER, issue, label: "orchestrate" };
    const id = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => h.send("issues", "labeled", label, id)));
    expect(answers.map((a) => a.status < 300)).toEqual([true, true, true]);
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("done");
    await expectLandedOnce(h, issue, GROUPS);
    expect(reactions(issue)).toEqual(["rocket"]);
  });

  it("a reader's command three times at once, whose refusal GitHub applied but answered 502: one refusal", async () => {
    const issue = newIssue();
    // No webhook target is set: the comment is stored, and its webhook sent by hand.
    const { id: commentId, body } = await h.sandbox.comment(h.repo, issue, READER, "/orchestrate");
    const comment = { id: commentId, body };
    h.sandbox.fail("issues/create-comment", 1, "502-after-write");
    const id = randomUUID();
    await Promise.all(
      [1, 2, 3].map(() =>
        h.send("issue_comment", "created", { repo: h.repo, sender: READER, issue, comment }, id),
      ),
    );
    await h.settle();
    const answers = appComments(h, issue);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/only people with write, maintain or admin permission/);
    expect(h.sandbox.state.faults).toEqual([]);
    expect(await h.run(issue)).toBeNull();
  });

  it("`/orchestrate stop` delivered before the label that started the run: a clear answer, and the run lands once", async () => {
    const issue = newIssue();
    const { id, body } = await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate stop");
    const stop = { id, body };
    await h.send("issue_comment", "created", {
      repo: h.repo,
      sender: MAINTAINER,
      issue,
      comment: stop,
    });
    await h.settle();
    await h.send("issues", "labeled", {
      repo: h.repo,
      sender: MAINTAINER,
      issue,
      label: "orchestrate",
    });
    await h.settle();
    const [answer, status, ...others] = appComments(h, issue);
    expect(answer).toMatch(/there is no Orchestrate run on this issue to stop/);
    expect(status).toMatch(/Done/);
    expect(others).toEqual([]);
    expect((await h.run(issue))?.run.state).toBe("done");
    const branches = (await h.sandbox.branches(h.repo)).map((b) => b.name);
    expect(branches).toContain(`orchestrate/${issue}-db`);
  });

  it("one review's events in reverse order, at once: one task for its two threads, one reply each", async () => {
    const issue = newIssue();
    await h.send("issues", "labeled", {
      repo: h.repo,
      sender: MAINTAINER,
      issue,
      label: "orchestrate",
    });
    await h.settle();
    const pull = pullsOf(h).find((p) => p.head === `orchestrate/${issue}-db`);
    if (!pull) throw new Error("no pull request for db");
    // The review exists on GitHub; its webhooks are sent by hand: comments first, review last.
    const { review, threads } = await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [
        { path: "schema.txt", line: 1, body: "Name the table." },
        { path: "schema.txt", line: 1, body: "And index it." },
      ],
    });
    const repo = h.sandbox.state.repos.get(h.repo);
    const events = [
      ...threads.reverse().map((t) => {
        const id = t.commentIds[0] ?? 0;
        const body = repo?.reviewComments.get(id)?.body ?? "";
        return () =>
          h.send("pull_request_review_comment", "created", {
            repo: h.repo,
            sender: MAINTAINER,
            comment: { id, body },
          });
      }),
      () =>
        h.send("pull_request_review", "submitted", {
          repo: h.repo,
          sender: MAINTAINER,
          review: review.id,
        }),
    ];
    await Promise.all(events.map((send) => send()));
    await waitFor("both threads to be resolved", () =>
      threadsOf(h, pull.number).every((t) => t.isResolved),
    );
    await h.settle();
    const run = await h.run(issue);
    const reviewTasks = run?.tasks.filter((t) => t.kind === "review-thread") ?? [];
    expect(reviewTasks).toHaveLength(1);
    expect(reviewTasks[0]?.threads?.map((t) => t.id).sort()).toEqual(
      threads.map((t) => t.id).sort(),
    );
    for (const thread of threadsOf(h, pull.number)) {
      const replies = commentsOf(h, thread.id).filter((c) => c.user === "orchestrate[bot]");
      expect(replies).toHaveLength(1);
    }
    await expectLandedOnce(h, issue, { ...GROUPS, db: ["schema", reviewTasks[0]?.id ?? ""] });
  });
});
