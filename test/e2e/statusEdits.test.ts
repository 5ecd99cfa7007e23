import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";

// Every edit of a comment is a content-creating request, which GitHub limits per installation
// (80 a minute, 500 an hour): the status comment is edited only when what it shows changed.
describe("the status comment's edits", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("are not made when the comment would show what it already shows", async () => {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Work",
      body: "## core\n- [ ] feature: Add it\n",
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    expect((await h.run(issue.number))?.run.state).toBe("done");
    const status = h.sandbox
      .issueComments(h.repo, issue.number)
      .find((c) => c.user === "orchestrate[bot]");
    const edits = status?.history.length ?? 0;
    const writes = () =>
      h.sandbox.state.requests.filter((r) => r.operation === "issues/update-comment").length;
    const before = writes();

    // Asking for the status of a finished run, twice: nothing it shows moved.
    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate status");
    await h.sandbox.comment(h.repo, issue.number, MAINTAINER, "/orchestrate status");
    await h.settle();
    expect(status?.history.length).toBe(edits);
    expect(writes()).toBe(before);
  });
});
