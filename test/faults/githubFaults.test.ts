import { afterEach, describe, expect, it } from "vitest";
import type { Harness } from "../e2e/harness.js";
import { WEBHOOK_SECRET } from "../e2e/harness.js";
import { backendsJson, specOf, waitFor } from "../e2e/helpers.js";
import { faultFirstMutation } from "./faultFirstMutation.js";
import { MAINTAINER, startFaultHarness } from "./faultHarness.js";
import { commentsOf, expectLandedOnce, pullsOf, threadsOf } from "./outcome.js";

const SPEC = specOf(["  - { id: feature, group: core, title: The feature, description: Add it. }"]);

// Every kind of call the app makes on the way from a label to an answered review thread:
// REST reads and writes, the installation token, git (fetch, push) and GraphQL.
const REST = [
  "apps/create-installation-access-token",
  "apps/get-authenticated",
  "repos/get-content",
  "repos/get-collaborator-permission-level",
  "repos/get",
  "issues/get",
  "issues/list-comments",
  "reactions/create-for-issue",
  "issues/create-comment",
  "issues/update-comment",
  "pulls/list",
  "pulls/create",
  "checks/create",
  "checks/update",
];
const EVERY_KIND = [...REST, "git", "graphql"];
/** The writes that create something: a second one is a duplicate a person sees. */
const CREATING = [
  "reactions/create-for-issue",
  "issues/create-comment",
  "pulls/create",
  "checks/create",
  "graphql",
];

// With Probot's production Octokit: its retry and throttling plugins on, as operators run it.
// Its throttling spaces writes a second apart and its retries wait 1–4 s, so each case takes
// half a minute or so.
// The timeout is a hang guard only: the waits are GitHub's and the retry plugin's, which a
// machine busy with other work stretches.
describe("GitHub failing every kind of call the app makes", { timeout: 300_000 }, () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  const start = () =>
    startFaultHarness({
      env: {
        GITHUB_THROTTLE: "on",
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
      },
    });

  /** Label → one PR → a review thread → its fix, the reply and the resolution. */
  async function labelToAnsweredThread(): Promise<{ issue: number; pull: number }> {
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Feature",
      body: SPEC,
      user: MAINTAINER,
    }).number;
    await h.sandbox.addLabel(h.repo, issue, "orchestrate", MAINTAINER);
    const explain = async () =>
      [
        JSON.stringify(await h.run(issue), null, 1),
        ...h.sandbox.issueComments(h.repo, issue).map((c) => `${c.user}: ${c.body.slice(0, 300)}`),
        ...h.sandbox.state.requests.map((r) => `${r.method} ${r.operation} ${r.status}`),
      ].join("\n");
    const pull = await waitFor("the group's PR", () => pullsOf(h)[0], { explain });
    await waitFor("the run to be done", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 60_000,
      explain,
    });
    await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [{ path: "feature.txt", line: 1, body: "Please make this clearer." }],
    });
    await waitFor("the thread to be resolved", () => threadsOf(h, pull.number)[0]?.isResolved, {
      timeoutMs: 60_000,
      explain,
    });
    await waitFor(
      "the run to be done again",
      async () => (await h.run(issue))?.run.state === "done",
      {
        timeoutMs: 60_000,
        explain,
      },
    );
    await h.settle();
    return { issue, pull: pull.number };
  }

  /** What a person sees afterwards: everything once. */
  async function expectEverythingOnce(issue: number, pull: number): Promise<void> {
    const run = await h.run(issue);
    const review = run?.tasks.filter((t) => t.kind === "review-thread") ?? [];
    expect(review.map((t) => t.status)).toEqual(["complete"]);
    await expectLandedOnce(h, issue, { core: ["feature", review[0]?.id ?? ""] });
    const [thread, ...others] = threadsOf(h, pull);
    expect(others).toEqual([]);
    const replies = commentsOf(h, thread?.id ?? "").filter((c) => c.user === "orchestrate[bot]");
    expect(replies).toHaveLength(1);
    const reactions = h.sandbox.state.repos
      .get(h.repo)
      ?.reactions.filter((r) => r.subject === `issue:${issue}`);
    expect(reactions?.map((r) => r.content)).toEqual(["rocket"]);
    const checks = [...(h.sandbox.state.repos.get(h.repo)?.checkRuns.values() ?? [])];
    const heads = checks.map((c) => c.headSha);
    expect(heads, "one check run per head commit").toEqual([...new Set(heads)]);
    expect(h.sandbox.state.faults, "faults armed but never met").toEqual([]);
  }

  /**
   * Each operation met its fault, and (`thenServed`) was answered afterwards: 2xx, or a 404
   * for a file that is not there (the repository has no `.github/orchestrate.yml`).
   */
  function expectFaulted(operations: string[], faultStatus: number, thenServed = true): void {
    for (const operation of operations) {
      const requests = h.sandbox.state.requests.filter((r) => r.operation === operation);
      const faulted = requests.findIndex((r) => r.status === faultStatus);
      expect(faulted, `${operation} met its ${faultStatus}`).toBeGreaterThanOrEqual(0);
      if (!thenServed) continue;
      expect(
        requests.slice(faulted + 1).some((r) => r.status < 300 || r.status === 404),
        `${operation} succeeded after its ${faultStatus}`,
      ).toBe(true);
    }
  }

  it("502 on the first call of each kind, a GraphQL mutation included: retried, nothing doubled", async () => {
    h = await start();
    for (const operation of EVERY_KIND) h.sandbox.fail(operation, 1, "502");
    const mutation = faultFirstMutation(h.sandbox, "502");
    const { issue, pull } = await labelToAnsweredThread();
    expect(await mutation).toMatch(/^mutation ReplyToThread/);
    expectFaulted(EVERY_KIND, 502);
    await expectEverythingOnce(issue, pull);
  });

  it("secondary rate limits (403, retry-after: 1) on the first call of each kind: retried after the wait, nothing doubled", async () => {
    h = await start();
    for (const operation of EVERY_KIND) h.sandbox.fail(operation, 1, "secondary-rate-limit", 1);
    const mutation = faultFirstMutation(h.sandbox, "secondary-rate-limit", 1);
    const { issue, pull } = await labelToAnsweredThread();
    expect(await mutation).toMatch(/^mutation ReplyToThread/);
    expectFaulted(EVERY_KIND, 403);
    // A write GitHub refused is sent again only after the wait it asked for, measured on the
    // sandbox's own record: when it answered the refusal and when the same request arrived
    // again. Both are millisecond readings of one clock, so the difference of two truncated
    // readings may fall short by up to 1 ms. Some requests are identical across flows — a token
    // of one repository and scope is minted for every git command, git's own POSTs carry no
    // body the sandbox keeps, a GraphQL read is the same document whoever asks — so for those
    // the retry is some later identical request, not necessarily the next one.
    const CLOCK_GRANULARITY_MS = 1;
    const shared = (r: (typeof h.sandbox.state.requests)[number]) =>
      r.operation === "apps/create-installation-access-token" ||
      r.operation === "git" ||
      (r.operation === "graphql" &&
        !String((r.body as { query?: unknown } | null)?.query ?? "").startsWith("mutation"));
    for (const refused of h.sandbox.state.requests.filter(
      (r) => r.status === 403 && r.method !== "GET",
    )) {
      const waited = h.sandbox.state.requests.filter(
        (r) =>
          r !== refused &&
          r.arrivedAt >= refused.answeredAt &&
          r.method === refused.method &&
          r.path === refused.path &&
          JSON.stringify(r.body) === JSON.stringify(refused.body),
      );
      const gaps = waited.map((r) => r.arrivedAt - refused.answeredAt);
      expect(gaps, `${refused.operation} was sent again`).not.toEqual([]);
      const retry = shared(refused) ? Math.max(...gaps) : Math.min(...gaps);
      expect(retry, refused.operation).toBeGreaterThanOrEqual(1000 - CLOCK_GRANULARITY_MS);
    }
    await expectEverythingOnce(issue, pull);
  });

  it("502 after GitHub applied a write that creates something: looked up, never written twice", async () => {
    h = await start();
    for (const operation of CREATING) h.sandbox.fail(operation, 1, "502-after-write");
    const { issue, pull } = await labelToAnsweredThread();
    // Applied, so not sent again: found instead (the PR by its branch, the comment by its marker).
    expectFaulted(CREATING, 502, false);
    await expectEverythingOnce(issue, pull);
  });
});
