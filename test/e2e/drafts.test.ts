import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";
// Two tasks in a row per group: the PR is opened (as a draft, when asked) after the first.
const SPEC = [
  "## api",
  "- [ ] routes: Routes",
  "- [ ] docs: Docs",
  "      depends on: routes",
  "",
  "## web",
  "- [ ] page: Page",
  "- [ ] style: Style",
  "      depends on: page",
  "",
].join("\n");

// `draft: true` asks for each group's PR as a draft at its first push. GitHub has drafts in
// public repositories and in private ones on the Team and Enterprise plans; elsewhere it
// answers 422 "Draft pull requests are not supported in this repository.".
describe("draft: true", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function run(plan: "free" | "team") {
    h = await startHarness({
      private: true,
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "draft: true\n" },
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    h.sandbox.setPlan(h.owner, plan);
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "Work", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    const creates = h.sandbox.state.requests.filter((r) => r.operation === "pulls/create");
    return { issue: issue.number, pulls, creates };
  }

  it("in a private repository of a Free account: ready PRs, a note, and GitHub asked once", async () => {
    const { issue, pulls, creates } = await run("free");
    expect(pulls.map((p) => p.head).sort()).toEqual([
      `orchestrate/${issue}-api`,
      `orchestrate/${issue}-web`,
    ]);
    expect(pulls.map((p) => p.draft)).toEqual([false, false]);
    // One refused draft, then every PR asked for ready: the refusal is not met twice.
    expect(creates.map((r) => [r.status, (r.body as { draft?: boolean }).draft])).toEqual([
      [422, true],
      [201, false],
      [201, false],
    ]);
    const [status] = appComments(h, issue);
    expect(status).toContain("_opened ready for review, not as a draft: GitHub has drafts");
    expect((await h.run(issue))?.run.state).toBe("done");
  });

  it("in a private repository on the Team plan: drafts, marked ready when the group completes", async () => {
    const { pulls, creates } = await run("team");
    expect(creates.map((r) => [r.status, (r.body as { draft?: boolean }).draft])).toEqual([
      [201, true],
      [201, true],
    ]);
    const readied = h.sandbox.state.requests.filter(
      (r) =>
        r.operation === "graphql" &&
        String((r.body as { query?: string }).query).includes("markPullRequestReadyForReview"),
    );
    expect(readied.map((r) => r.status)).toEqual([200, 200]);
    expect(pulls.map((p) => p.draft)).toEqual([false, false]);
  });
});
