import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../src/sandbox/state.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { backendsJson, waitFor } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = [
  "## api",
  "- [ ] routes: Add the routes",
  "## docs",
  "- [ ] guide: Write the guide",
  "## web",
  "- [ ] page: Add the page",
  "",
].join("\n");

// GitHub's limits met head on, under the sandbox's enforcement of them: the run waits for
// GitHub rather than failing, says so in its status comment, and loses nothing.
describe("GitHub's rate limits", { timeout: 180_000 }, () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function label(): Promise<number> {
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Three parts",
      body: SPEC,
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    return issue.number;
  }

  async function explainRun(issue: number): Promise<string> {
    const snapshot = await h.run(issue);
    return [
      JSON.stringify({
        run: snapshot?.run.state,
        wait: snapshot?.run.githubWait,
        tasks: snapshot?.tasks.map((t) => [t.id, t.status, t.attempts]),
      }),
      ...h.sandbox.state.requests.map(
        (r) => `${r.at % 1_000_000} ${r.method} ${r.operation} ${r.status}`,
      ),
    ].join("\n");
  }

  const statusOf = (issue: number) =>
    h.sandbox.issueComments(h.repo, issue).find((c) => c.user === "orchestrate[bot]");

  async function expectDone(issue: number) {
    const snapshot = await h.run(issue);
    expect(snapshot?.run.state).toBe("done");
    expect(snapshot?.tasks.map((t) => [t.id, t.status, t.attempts]).sort()).toEqual([
      ["guide", "complete", 1],
      ["page", "complete", 1],
      ["routes", "complete", 1],
    ]);
    // One PR per group, none twice, and the last word of the status comment has no wait.
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.map((p) => p.head).sort()).toEqual([
      `orchestrate/${issue}-api`,
      `orchestrate/${issue}-docs`,
      `orchestrate/${issue}-web`,
    ]);
    expect(
      h.sandbox.issueComments(h.repo, issue).filter((c) => c.user === "orchestrate[bot]"),
    ).toHaveLength(1);
    expect(statusOf(issue)?.body).not.toContain("Waiting for GitHub");
  }

  it("paces the writes of every process through Redis: the hour's writes spent, the status comment says so, and the run goes on when the hour allows", async () => {
    // A shortened "hour" of 12 s, on GitHub's side and on the App's: 14 writes on GitHub,
    // 12 in the App's budget of which 3 are kept for notices.
    const windows = { minuteMs: 60_000, hourMs: 12_000 };
    h = await startHarness({
      env: {
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
        GITHUB_WRITES_PER_HOUR: "12",
      },
      writeWindows: windows,
    });
    h.sandbox.state.contentLimits = { perMinute: 80, perHour: 14, ...windows };
    // A second machine takes events and tasks from the same Redis.
    await h.another({ events: true, worker: true });
    const issue = await label();
    await waitFor("the run to end", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 150_000,
      explain: () => explainRun(issue),
    });
    await h.settle();

    await expectDone(issue);
    // GitHub never had to refuse a write: the budget kept both processes under its limit.
    const refused = h.sandbox.state.requests.filter((r) => r.status === 403 || r.status === 429);
    expect(refused.map((r) => `${r.method} ${r.operation}`)).toEqual([]);
    // While it waited, the status comment said why and until when.
    const said = statusOf(issue)?.history ?? [];
    expect(
      said.some((body) =>
        /Waiting for GitHub:.*limit on writes.*goes on by itself at \d\d:\d\d UTC/s.test(body),
      ),
    ).toBe(true);
  });

  it("waits out a spent hourly request limit instead of failing, says so, and asks GitHub nothing more until the reset", async () => {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    // An "hour" of 8 s with 30 requests: the run needs more than one such hour.
    h.sandbox.state.restLimitPerHour = 30;
    h.sandbox.state.restWindowMs = 8_000;
    const issue = await label();
    await waitFor("the run to end", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 150_000,
    });
    await h.settle();

    await expectDone(issue);
    const said = statusOf(issue)?.history ?? [];
    expect(said.some((body) => /Waiting for GitHub:.*hourly request limit/s.test(body))).toBe(true);
    // The App stops asking at the limit: GitHub's "rate limit exceeded" answers stay a handful,
    // not one per retry (without the gate: over a hundred).
    const spent = h.sandbox.state.requests.filter(
      (r) => r.status === 403 && r.operation !== "graphql",
    );
    // At most requests already on their way when the last ones went (the App keeps 5 back).
    expect(spent.length).toBeLessThanOrEqual(5);
  });

  it("takes a fresh installation token when GitHub says the one it holds expired, and loses nothing", async () => {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    // Tokens live 6 s here (an hour on GitHub); the App keeps its token for 59 minutes.
    h.sandbox.state.tokenLifetimeMs = 6_000;
    const issue = await label();
    await h.settle();
    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls).toHaveLength(3);
    // The App's token expires while the PRs wait for review.
    await waitFor(
      "every token to expire",
      () =>
        [...h.sandbox.state.installations.values()]
          .flatMap((i) => [...i.tokens.values()])
          .every((t) => t.expiresAt < Date.now()),
      { timeoutMs: 30_000 },
    );
    const since = h.sandbox.state.requests.length;
    const pull = pulls.find((p) => p.head.endsWith("-api"));
    if (!pull) throw new Error("no pull request for the api group");
    await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [{ path: "routes.txt", line: 1, body: "Please add a test." }],
    });
    await h.settle();

    const later = h.sandbox.state.requests.slice(since);
    expect(later.some((r) => r.status === 401)).toBe(true);
    const thread = [...(h.sandbox.state.repos.get(h.repo)?.threads.values() ?? [])][0];
    expect(thread?.isResolved).toBe(true);
    const snapshot = await h.run(issue);
    expect(
      snapshot?.tasks.filter((t) => t.kind === "review-thread").map((t) => [t.status, t.attempts]),
    ).toEqual([["complete", 1]]);
  });

  it("leaves an installation whose request limit is spent out of review polling until GitHub's reset, then polls it again", async () => {
    h = await startHarness({
      roles: { poller: true },
      env: {
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
        POLL_INTERVAL_SECONDS: "1",
      },
    });
    h.sandbox.state.restWindowMs = 15_000;
    const issue = await label();
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("done");
    const installation = h.sandbox.state.repos.get(h.repo)?.installationId ?? 0;
    const ours = (r: RecordedRequest) => r.installationId === installation && r.operation !== "git";
    // REST requests: the poller's conditional reads (GraphQL has its own budget of points).
    const rest = () => h.sandbox.state.requests.filter((r) => ours(r) && r.operation !== "graphql");
    // A window with time left in it (a busy machine may have used most of the first one).
    let meter = h.sandbox.rateLimit(installation, "core");
    if (meter.reset * 1000 - Date.now() < 8_000) {
      const reset = meter.reset * 1000;
      await waitFor("a new window", () => Date.now() > reset, { timeoutMs: 30_000 });
      meter = h.sandbox.rateLimit(installation, "core");
    }
    // The window's requests spent: what GitHub answered in it so far is all it allows.
    h.sandbox.state.restLimitPerHour = meter.used;
    const resetMs = meter.reset * 1000;
    const refusal = await waitFor(
      "the poller to meet the spent limit",
      () => rest().find((r) => r.status === 403),
      { timeoutMs: 30_000 },
    );
    await waitFor("GitHub's reset", () => Date.now() > resetMs + 1500, { timeoutMs: 30_000 });
    // After that one refusal the poller asks GitHub nothing until the reset (one request
    // already on its way at most), not once a second.
    const asked = rest()
      .filter((r) => r.arrivedAt > refusal.answeredAt && r.answeredAt < resetMs)
      .map((r) => `${r.method} ${r.operation} ${r.status}`);
    expect(asked.length, asked.join("\n")).toBeLessThanOrEqual(1);
    const polls = () => h.sandbox.state.requests.filter(ours);
    // After the reset the installation is polled again.
    const after = polls().length;
    await waitFor("a poll after the reset", () => polls().length > after, { timeoutMs: 30_000 });
  });
});
