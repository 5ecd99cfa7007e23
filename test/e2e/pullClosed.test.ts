import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = "## api\n- [ ] routes: Routes\n\n## web\n- [ ] page: Page\n";

// A person merges one group's pull request and closes the other's: the pull_request webhooks
// record it on the groups at once (the poller is off here), the status comment shows it, and
// the closed PRs' threads are no longer followed.
describe("a group's pull request merged or closed by a person", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("is recorded on its group and shown in the status comment", async () => {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "Work", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    const api = pulls.find((p) => p.head.endsWith("-api"));
    const web = pulls.find((p) => p.head.endsWith("-web"));
    if (!api || !web) throw new Error(`expected two PRs, got ${pulls.map((p) => p.head)}`);
    expect(appComments(h, issue.number)[0]).not.toContain("its pull request was");

    await h.sandbox.closePull(h.repo, api.number, true);
    await h.sandbox.closePull(h.repo, web.number, false);
    await h.settle();

    const groups = (await h.run(issue.number))?.run.groups ?? [];
    expect(Object.fromEntries(groups.map((g) => [g.name, g.note]))).toEqual({
      api: "its pull request was merged",
      web: "its pull request was closed without merge; comment `/orchestrate reopen web` to reopen it and have it followed again",
    });
    const [status, ...others] = appComments(h, issue.number);
    expect(others).toEqual([]);
    expect(status).toContain("_its pull request was merged_");
    expect(status).toContain(
      "_its pull request was closed without merge; comment `/orchestrate reopen web`",
    );

    // A review on the closed PR is not taken as work.
    const before = (await h.run(issue.number))?.tasks.length;
    await h.sandbox.postReview(h.repo, web.number, {
      user: MAINTAINER,
      comments: [{ path: "page.txt", line: 1, body: "Too late for this one." }],
    });
    await h.settle();
    expect((await h.run(issue.number))?.tasks.length).toBe(before);
  });
});
