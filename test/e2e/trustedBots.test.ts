import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = "## core\n- [ ] feature: Add the feature\n";

// The repository lists its bots the way a person writes them — the REST name Copilot shows on
// its comments, a bot's name without `[bot]`, in another case — while GraphQL, where threads
// are read, names them `copilot-pull-request-reviewer` and `coderabbitai`.
const CONFIG = "trusted_bots:\n  - Copilot\n  - CodeRabbitAI\n";

describe("trusted_bots", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("acts on the threads of listed bots whatever form or case they are listed in, and leaves an unlisted bot's alone", async () => {
    h = await startHarness({
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": CONFIG },
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "write");
    for (const bot of ["copilot-pull-request-reviewer[bot]", "coderabbitai[bot]", "other[bot]"]) {
      h.sandbox.addUser(bot, "Bot");
    }
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "Feature", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const pull = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])][0];
    if (!pull) throw new Error("no pull request was opened");

    for (const user of ["copilot-pull-request-reviewer[bot]", "coderabbitai[bot]", "other[bot]"]) {
      await h.sandbox.postReview(h.repo, pull.number, {
        user,
        comments: [{ path: "feature.txt", line: 1, body: `A remark from ${user}.` }],
      });
      await h.settle();
    }

    const repo = h.sandbox.state.repos.get(h.repo);
    const threads = [...(repo?.threads.values() ?? [])].filter((t) => t.pullNumber === pull.number);
    const byAuthor = new Map(
      threads.map((t) => {
        const comments = t.commentIds.map((id) => repo?.reviewComments.get(id));
        return [comments[0]?.user, { thread: t, users: comments.map((c) => c?.user) }];
      }),
    );
    for (const listed of ["copilot-pull-request-reviewer[bot]", "coderabbitai[bot]"]) {
      expect(byAuthor.get(listed)?.thread.isResolved, listed).toBe(true);
      expect(byAuthor.get(listed)?.users, listed).toEqual([listed, "orchestrate[bot]"]);
    }
    expect(byAuthor.get("other[bot]")?.thread.isResolved).toBe(false);
    expect(byAuthor.get("other[bot]")?.users).toEqual(["other[bot]"]);
    const status = h.sandbox
      .issueComments(h.repo, issue.number)
      .find((c) => c.user === "orchestrate[bot]");
    expect(status?.body).toMatch(/1 ignored/);
  });
});
