import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PULL_HEADS_DOCUMENTS } from "../../src/github/reviewThreads/documents/pullHeadsDocuments.js";
import { THREAD_PAGES_DOCUMENTS } from "../../src/github/reviewThreads/documents/threadPagesDocuments.js";
import {
  type PollResult,
  type ReviewThreadsClient,
  reviewThreadsClient,
  type TrackedPull,
} from "../../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { seedPulls } from "../../src/sandbox/seedPulls.js";
import { appClient, appOctokit, graphqlSince } from "./reviewThreadsFixture.js";

let sandbox: Sandbox;
let client: ReviewThreadsClient;
let installationId: number;
let numbers: number[];
const REPO = "acme/fleet";

beforeAll(async () => {
  sandbox = await startSandbox();
  installationId = (await sandbox.createRepo({ owner: "acme", name: "fleet" })).installationId;
  ({ client } = await appClient(sandbox, installationId));
  const pulls = await seedPulls(sandbox, { repo: REPO, count: 100, threadsPerPull: 3 });
  numbers = pulls.map((p) => p.number);
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

function track(previous: PollResult | null, pick = numbers): TrackedPull[] {
  return pick.map((number) => ({
    owner: "acme",
    repo: "fleet",
    number,
    seen: previous?.pulls.find((p) => p.number === number)?.seen ?? null,
  }));
}

/** The poll's result and the GraphQL points the sandbox charged for it. */
async function charged(run: Promise<PollResult>): Promise<{ result: PollResult; points: number }> {
  const before = sandbox.state.graphqlPoints;
  const result = await run;
  return { result, points: sandbox.state.graphqlPoints - before };
}

describe("the cost of polling 100 pull requests", () => {
  it("lists each PR once, then an unchanged cycle costs no GraphQL point: two requests answered 304", async () => {
    const cold = await charged(client.poll(track(null)));
    const first = cold.result;
    expect(first.pulls.every((p) => p.listedBecause === "never-listed")).toBe(true);
    expect(first.pulls.every((p) => p.threads?.length === 3)).toBe(true);
    // 100 PRs x (1 + 10) requests, in 4 calls of 25
    expect(cold.points).toBe(12);
    expect(first.graphqlPoints).toBe(cold.points);

    // the first quiet cycle learns the repository's two ETags; from then on both answer 304
    const learned = await client.poll(track(first), first.repos);
    expect(learned.repos["acme/fleet"]).toEqual({
      etag: expect.any(String),
      pullsEtag: expect.any(String),
    });
    const from = sandbox.state.requests.length;
    const steady = await charged(client.poll(track(first), learned.repos));
    expect(steady.result.pulls.every((p) => p.threads === null && !p.changed)).toBe(true);
    expect(steady.points).toBe(0);
    expect(steady.result).toMatchObject({
      graphqlCalls: 0,
      graphqlPoints: 0,
      restCalls: 2,
      restNotModified: 2,
    });
    expect(sandbox.state.requests.slice(from).map((r) => [r.operation, r.status])).toEqual([
      ["pulls/list", 304],
      ["pulls/list-review-comments-for-repo", 304],
    ]);

    // one reply in 100 PRs: only that PR is listed, sized to its 3 threads
    const target = numbers[42] as number;
    const thread = [...(sandbox.state.repos.get(REPO)?.threads.values() ?? [])].find(
      (t) => t.pullNumber === target,
    );
    await sandbox.replyInThread(REPO, thread?.id ?? "", "carol", "one more thing");
    const since = sandbox.state.requests.length;
    const touched = await charged(client.poll(track(first), steady.result.repos));
    const changed = touched.result.pulls.filter((p) => p.threads !== null);
    expect(changed.map((p) => [p.number, p.listedBecause])).toEqual([[target, "comments"]]);
    expect(changed[0]?.threads?.filter((t) => t.kind === "changed")).toHaveLength(1);
    // its listing only: the two feeds answered 200 and cost no point
    expect(touched.points).toBe(1);
    expect(touched.result).toMatchObject({ graphqlCalls: 1, restCalls: 2, restNotModified: 0 });
    const listing = graphqlSince(sandbox, since).find((r) => r.query.includes("ThreadPages"));
    expect(listing?.variables["f0"]).toBe(3 + 5);
  });

  it("sends only the fixed document texts, whatever the batch sizes", async () => {
    const from = sandbox.state.requests.length;
    for (const count of [1, 7, 30, 100]) {
      const picked = numbers.slice(0, count);
      const cold = await client.poll(track(null, picked));
      await client.poll(track(cold, picked), cold.repos);
    }
    const known = new Set([...Object.values(PULL_HEADS_DOCUMENTS), ...THREAD_PAGES_DOCUMENTS]);
    const sent = new Set(graphqlSince(sandbox, from).map((r) => r.query));
    expect([...sent].filter((q) => !known.has(q))).toEqual([]);
    // 4 head shapes at most; thread pages sized 1, 7, 5 (30 = 25 + 5) and 25
    expect(sent.size).toBeLessThanOrEqual(8);
  });

  it("relists a PR whose last listing is older than the sweep interval", async () => {
    const octokit = await appOctokit(sandbox, installationId);
    const later = reviewThreadsClient(octokit, {
      sweepAfterMs: 60_000,
      now: () => Date.now() + 10 * 60_000,
    });
    const picked = numbers.slice(0, 2);
    const cold = await client.poll(track(null, picked));
    const swept = await later.poll(track(cold, picked), cold.repos);
    expect(swept.pulls.map((p) => p.listedBecause)).toEqual(["sweep", "sweep"]);
    expect(swept.pulls.every((p) => !p.changed)).toBe(true);
  });
});
