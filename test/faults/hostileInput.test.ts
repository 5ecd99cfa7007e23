import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../e2e/harness.js";
import { appComments, backendsJson, specOf, startRun, waitFor } from "../e2e/helpers.js";
import { MAINTAINER, startFaultHarness } from "./faultHarness.js";
import { commentsOf, expectLandedOnce, pullsOf, threadsOf } from "./outcome.js";

/** GitHub's limit for an issue body, a comment and a review comment, in characters. */
const GITHUB_LIMIT = 65_536;
/** Right-to-left override, zero-width space and joiner, Hebrew, emoji (one with a ZWJ sequence). */
const HOSTILE = "\u202Eevil\u202C \u200Bzero\u200Dwidth שלום 👩‍💻🚀";
// C0 controls, DEL, C1, bidi embeddings/overrides/isolates, line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** `spec`, then prose up to exactly `chars` characters (code points) made of `filler`. */
function padTo(spec: string, chars: number, filler: string): string {
  const have = [...spec].length + 1;
  const line = `${filler.repeat(Math.ceil(80 / [...filler].length))}\n`;
  const padding = [...line.repeat(Math.ceil((chars - have) / [...line].length) + 1)];
  return `${spec}\n${padding.slice(0, chars - have).join("")}`;
}

// Whatever people type into an issue or a review, each case ends with a clear message or a
// bounded comment — never a crash, a refused write or a run stuck where it was.
describe("hostile input", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFaultHarness({
      env: {
        WORKER_CONCURRENCY: "2",
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
      },
    });
  });
  afterEach(() => {
    h.sandbox.assertFidelity();
    // GitHub refused none of the app's writes (a 422 for a body over the limit, say).
    expect(h.sandbox.state.requests.filter((r) => r.status === 422)).toEqual([]);
  });
  afterAll(() => h.close());

  /** The app's comments on the issue: each within GitHub's limit and free of invisible text. */
  function answers(issue: number): string[] {
    const bodies = appComments(h, issue);
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(GITHUB_LIMIT);
      expect(body).not.toMatch(INVISIBLE);
    }
    return bodies;
  }
  const settled = async (issue: number) => {
    await h.settle();
    return (await h.run(issue))?.run;
  };

  it("a spec of exactly 65,536 characters, right-to-left text and zero-width marks in its prose, runs", async () => {
    const spec = specOf(["  - { id: one, group: core, title: One, description: Do it. }"]);
    const body = padTo(spec, GITHUB_LIMIT, "שלום\u200B עולם ");
    expect([...body]).toHaveLength(GITHUB_LIMIT);
    const issue = await startRun(h, body);
    expect((await settled(issue))?.state).toBe("done");
    await expectLandedOnce(h, issue, { core: ["one"] });
  });

  it("a spec one character over GitHub's limit fails with a message that names the limit; nothing starts", async () => {
    const spec = specOf(["  - { id: one, group: core, title: One, description: Do it. }"]);
    const issue = await startRun(h, padTo(spec, GITHUB_LIMIT + 1, "filler text "));
    expect((await settled(issue))?.state).toBe("failed");
    const [status, ...others] = answers(issue);
    expect(others).toEqual([]);
    expect(status).toMatch(/65,?536/);
    expect(status).toMatch(/spec files|split the issue/);
    expect(pullsOf(h).filter((p) => p.head.startsWith(`orchestrate/${issue}-`))).toEqual([]);
  });

  it("201 tasks: one message saying the limit, nothing starts", async () => {
    const tasks = Array.from(
      { length: 201 },
      (_, i) => `  - { id: t${i}, group: g, title: T${i} }`,
    );
    const issue = await startRun(h, specOf(tasks));
    expect((await settled(issue))?.state).toBe("failed");
    const [status] = answers(issue);
    expect(status).toMatch(/201 tasks; the limit is 200/);
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).not.toContain(
      `orchestrate/${issue}-g`,
    );
  });

  it("a control character in a title is refused naming its line; RTL, zero-width and emoji titles run, shown cleanly", async () => {
    const bell = await startRun(
      h,
      specOf(['  - { id: one, group: core, title: "Ring \\a the bell", description: Do it. }']),
    );
    expect((await settled(bell))?.state).toBe("failed");
    const [refusal] = answers(bell);
    expect(refusal).toMatch(/line \d+/i);
    expect(refusal).toMatch(/U\+0007/);

    const title = `Ship ${HOSTILE}`;
    const issue = await startRun(
      h,
      specOf([
        `  - { id: one, group: core, title: ${JSON.stringify(title)}, description: Do it. }`,
      ]),
      `Issue ${HOSTILE}`,
    );
    expect((await settled(issue))?.state).toBe("done");
    await expectLandedOnce(h, issue, { core: ["one"] });
    const [status] = answers(issue);
    expect(status).toContain("👩‍💻🚀");
    expect(status).toContain("שלום");
    const pull = pullsOf(h).find((p) => p.head === `orchestrate/${issue}-core`);
    expect(pull?.body).not.toMatch(INVISIBLE);
  });

  it("review comments with control characters, RTL, zero-width and emoji, and one of 65,536 characters: each answered once, briefly", async () => {
    const issue = await startRun(
      h,
      specOf(["  - { id: one, group: core, title: One, description: Do it. }"]),
    );
    await settled(issue);
    const pull = pullsOf(h).find((p) => p.head === `orchestrate/${issue}-core`);
    if (!pull) throw new Error("no pull request");
    const long = `Question for you: ${"why ".repeat(GITHUB_LIMIT)}`.slice(0, GITHUB_LIMIT);
    const { review } = await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [
        { path: "one.txt", line: 1, body: `Rename \u0007\u0000\u001b[31m ${HOSTILE}` },
        { path: "one.txt", line: 1, body: long },
      ],
    });
    // Sent by hand: no webhook target is set for this harness.
    await h.send("pull_request_review", "submitted", {
      repo: h.repo,
      sender: MAINTAINER,
      review: review.id,
    });
    await waitFor("both threads to be resolved", () =>
      threadsOf(h, pull.number).every((t) => t.isResolved),
    );
    expect((await settled(issue))?.state).toBe("done");
    for (const thread of threadsOf(h, pull.number)) {
      const replies = commentsOf(h, thread.id).filter((c) => c.user === "orchestrate[bot]");
      expect(replies).toHaveLength(1);
      expect(replies[0]?.body.length).toBeLessThanOrEqual(4000);
    }
    answers(issue);
  });

  it("a status comment for 1,000 tasks fits GitHub's limit, drawn and listed by group, and GitHub refuses none of it", async () => {
    // max_tasks allows 1,000; approval keeps them waiting, so the plan alone is rendered.
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: {
        ".github/orchestrate.yml": "approval: required\nlimits:\n  max_tasks: 1000\n",
      },
      message: "Allow 1,000 tasks, with approval",
    });
    const groups = Array.from({ length: 10 }, (_, g) =>
      [
        `## g${g}`,
        ...Array.from(
          { length: 100 },
          (_, i) => `- [ ] t${g}-${i}: 🚀 Task ${i} of ${g}, with a longer title`,
        ),
      ].join("\n"),
    );
    const body = `Many tasks.\n\n${groups.join("\n\n")}\n`;
    expect([...body].length).toBeLessThanOrEqual(GITHUB_LIMIT);
    const issue = await startRun(h, body);
    const run = await settled(issue);
    expect(run?.state).toBe("needs-input");
    expect((await h.run(issue))?.tasks).toHaveLength(1000);
    const [status, ...others] = answers(issue);
    expect(others).toEqual([]);
    expect(status?.length).toBeLessThanOrEqual(GITHUB_LIMIT);
    expect(status).toContain(
      "_The diagram shows the 10 groups, not the tasks: 1000 tasks are more than one diagram shows readably (30)._",
    );
    expect(status).toMatch(/<b>g0<\/b> — 0 of 100 complete/);
    expect(status).toContain("/orchestrate approve");
  });
});
