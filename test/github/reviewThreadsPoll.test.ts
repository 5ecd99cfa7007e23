import type { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type PullPoll,
  pullSeenSchema,
  type ReviewThreadsClient,
  type TrackedPull,
} from "../../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { appClient, graphqlSince, nextSeconds, openPull } from "./reviewThreadsFixture.js";

let sandbox: Sandbox;
let client: ReviewThreadsClient;
let octokit: ProbotOctokit;
let installationId: number;
const REPO = "acme/widgets";

beforeAll(async () => {
  sandbox = await startSandbox();
  installationId = (await sandbox.createRepo({ owner: "acme", name: "widgets" })).installationId;
  ({ client, octokit } = await appClient(sandbox, installationId));
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

/** As the app tracks a PR: `seen` goes through JSON (Redis) and is checked on the way back. */
function tracked(number: number, previous: PullPoll | null = null, relist = false): TrackedPull {
  const stored = previous === null ? null : JSON.stringify(previous.seen);
  return {
    owner: "acme",
    repo: "widgets",
    number,
    seen: stored === null ? null : pullSeenSchema.parse(JSON.parse(stored)),
    ...(relist ? { relist } : {}),
  };
}

function only(polled: { pulls: PullPoll[] }): PullPoll {
  expect(polled.pulls).toHaveLength(1);
  return polled.pulls[0] as PullPoll;
}

function byPath(poll: PullPoll, line: number) {
  const thread = poll.threads?.find((t) => t.line === line);
  if (!thread) throw new Error(`no thread on line ${line}`);
  return thread;
}

describe("reviewThreadsClient.poll", () => {
  it("lists every thread of a PR with 150 of them, across pages", async () => {
    const pull = await openPull(sandbox, octokit, { repo: REPO, branch: "wide", lines: 160 });
    await sandbox.postReview(REPO, pull.number, {
      user: "alice",
      comments: Array.from({ length: 150 }, (_, i) => ({
        path: pull.path,
        line: i + 1,
        body: `remark ${i + 1}`,
      })),
    });
    const from = sandbox.state.requests.length;
    const poll = only(await client.poll([tracked(pull.number)]));

    const expected = [...(sandbox.state.repos.get(REPO)?.threads.values() ?? [])]
      .filter((t) => t.pullNumber === pull.number)
      .map((t) => t.id);
    expect(poll.listedBecause).toBe("never-listed");
    expect(poll.threads?.map((t) => t.threadId)).toEqual(expected);
    expect(poll.threads?.every((t) => t.kind === "new" && t.commentCount === 1)).toBe(true);
    expect(Object.keys(poll.seen.threads)).toHaveLength(150);
    // a first page sized for a fresh PR, then the rest as totalCount says
    const pages = graphqlSince(sandbox, from).filter((r) => r.query.includes("ThreadPages"));
    expect(pages.map((r) => r.variables["f0"])).toEqual([10, 100, 45]);
  });

  it("classifies a new thread, a reply and a person's unresolve, and lists nothing unchanged", async () => {
    const pull = await openPull(sandbox, octokit, { repo: REPO, branch: "classify" });
    const { threads } = await sandbox.postReview(REPO, pull.number, {
      user: "alice",
      comments: [
        { path: pull.path, line: 1, body: "first" },
        { path: pull.path, line: 2, body: "second" },
      ],
    });
    const [one, two] = threads.map((t) => t.id);
    await nextSeconds();
    const first = only(await client.poll([tracked(pull.number)]));
    expect(first.threads?.map((t) => t.kind)).toEqual(["new", "new"]);
    expect(first.changed).toBe(true);

    // nothing happened: no listing at all; the comment feed, read once, then answers 304
    const feedStatuses = (from: number) =>
      sandbox.state.requests
        .slice(from)
        .filter((r) => r.operation === "pulls/list-review-comments-for-repo")
        .map((r) => r.status);
    let from = sandbox.state.requests.length;
    const learn = await client.poll([tracked(pull.number, first)]);
    expect(only(learn)).toMatchObject({ changed: false, threads: null, listedBecause: null });
    expect(feedStatuses(from)).toEqual([200]);
    from = sandbox.state.requests.length;
    const quiet = await client.poll([tracked(pull.number, first)], learn.repos);
    expect(only(quiet)).toMatchObject({ changed: false, threads: null, listedBecause: null });
    expect(only(quiet).seen).toEqual(first.seen);
    expect(graphqlSince(sandbox, from).some((r) => r.query.includes("reviewThreads"))).toBe(false);
    expect(feedStatuses(from)).toEqual([304]);

    // a reply and a new thread, found through the comment feed without any hint
    await sandbox.replyInThread(REPO, one as string, "bob", "me too");
    await sandbox.postReview(REPO, pull.number, {
      user: "alice",
      comments: [{ path: pull.path, line: 3, body: "third" }],
    });
    // they moved the PR's updatedAt: listed in a later second, the listing reads as settled
    await nextSeconds();
    const secondPoll = await client.poll([tracked(pull.number, first)], quiet.repos);
    const second = only(secondPoll);
    expect(second.listedBecause).toBe("comments");
    expect(byPath(second, 1)).toMatchObject({
      kind: "changed",
      commentCount: 2,
      before: { commentCount: 1, isResolved: false, isOutdated: false },
    });
    expect(byPath(second, 2)).toMatchObject({ kind: "unchanged", commentCount: 1 });
    expect(byPath(second, 3)).toMatchObject({ kind: "new", before: null });

    // a person resolves then unresolves: seen when the webhook asks for a relist
    await sandbox.setThreadResolved(REPO, two as string, true, "alice");
    // a resolve writes no comment: without the webhook's relist the poll has nothing to go on
    const unseen = await client.poll([tracked(pull.number, second)], secondPoll.repos);
    expect(only(unseen)).toMatchObject({ threads: null, changed: false });
    const resolved = only(await client.poll([tracked(pull.number, second, true)]));
    expect(resolved.listedBecause).toBe("asked");
    expect(byPath(resolved, 2)).toMatchObject({ kind: "changed", isResolved: true });
    await sandbox.setThreadResolved(REPO, two as string, false, "alice");
    const unresolved = only(await client.poll([tracked(pull.number, resolved, true)]));
    expect(byPath(unresolved, 2)).toMatchObject({
      kind: "changed",
      isResolved: false,
      before: { isResolved: true },
    });
    expect(unresolved.threads?.filter((t) => t.kind !== "unchanged")).toHaveLength(1);
  });

  it("reports a closed and a merged PR's state", async () => {
    const closing = await openPull(sandbox, octokit, { repo: REPO, branch: "to-close" });
    const merging = await openPull(sandbox, octokit, {
      repo: REPO,
      branch: "to-merge",
      path: "src/merge.ts",
    });
    const before = await client.poll([tracked(closing.number), tracked(merging.number)]);
    expect(before.pulls.map((p) => p.state)).toEqual(["OPEN", "OPEN"]);
    await sandbox.closePull(REPO, closing.number);
    await sandbox.closePull(REPO, merging.number, true);
    const after = await client.poll(
      before.pulls.map((p) => tracked(p.number, p)),
      before.repos,
    );
    expect(after.pulls.map((p) => [p.number, p.state, p.changed])).toEqual([
      [closing.number, "CLOSED", true],
      [merging.number, "MERGED", true],
    ]);
  });

  it("puts a PR GitHub cannot find in missing, and polls the others", async () => {
    const pull = await openPull(sandbox, octokit, { repo: REPO, branch: "present" });
    const polled = await client.poll([tracked(pull.number), tracked(9_999)]);
    expect(polled.pulls.map((p) => p.number)).toEqual([pull.number]);
    expect(polled.missing).toEqual([
      expect.objectContaining({ owner: "acme", repo: "widgets", number: 9_999 }),
    ]);
    expect(polled.missing[0]?.message).toMatch(/Could not resolve/);
  });

  it("works against a GitHub Enterprise base URL (/api/v3, GraphQL at /api/graphql)", async () => {
    const ghe = await appClient(sandbox, installationId, `${sandbox.url}/api/v3`);
    const pull = await openPull(sandbox, ghe.octokit, { repo: REPO, branch: "enterprise" });
    const from = sandbox.state.requests.length;
    const poll = only(await ghe.client.poll([tracked(pull.number)]));
    expect(poll).toMatchObject({ state: "OPEN", threads: [] });
    const paths = sandbox.state.requests.slice(from).map((r) => r.path);
    expect(paths).toContain("/api/graphql");
  });
});
