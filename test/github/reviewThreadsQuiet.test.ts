import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type {
  PollResult,
  PullSeen,
  RepoSeen,
  ReviewThreadsClient,
} from "../../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { seedPulls } from "../../src/sandbox/seedPulls.js";
import { appClient, nextSeconds, openPull } from "./reviewThreadsFixture.js";

// Change detection that costs no GraphQL point when nothing changed: 150 tracked PRs in three
// repositories, watched through each repository's pull list and review-comment feed, both
// asked with their last ETag. Each change below is found by the very next poll, which lists
// that PR and no other.

const OWNER = "acme";
const REPOS = ["alpha", "beta", "gamma"] as const;
const PER_REPO = 50;

interface Ref {
  owner: string;
  repo: string;
  number: number;
}

let sandbox: Sandbox;
let client: ReviewThreadsClient;
let refs: Ref[];
let own: { number: number; path: string };
/** What the app keeps between polls (Redis in production). */
const seen = new Map<string, PullSeen>();
let repos: Record<string, RepoSeen> = {};

const key = (r: Ref) => `${r.owner}/${r.repo}#${r.number}`;

async function poll(): Promise<{ result: PollResult; from: number }> {
  const from = sandbox.state.requests.length;
  const result = await client.poll(
    refs.map((r) => ({ ...r, seen: seen.get(key(r)) ?? null })),
    repos,
  );
  for (const p of result.pulls) seen.set(key(p), p.seen);
  repos = result.repos;
  return { result, from };
}

/** [repo#number, why] of every PR the poll listed. */
function listed(result: PollResult): Array<[string, string | null]> {
  return result.pulls
    .filter((p) => p.threads !== null)
    .map((p) => [`${p.repo}#${p.number}`, p.listedBecause]);
}

function firstThreadOf(repo: string, number: number): string {
  const thread = [...(sandbox.state.repos.get(`${OWNER}/${repo}`)?.threads.values() ?? [])].find(
    (t) => t.pullNumber === number,
  );
  if (!thread) throw new Error(`no thread on ${repo}#${number}`);
  return thread.id;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  let installationId = 0;
  refs = [];
  for (const name of REPOS) {
    installationId = (await sandbox.createRepo({ owner: OWNER, name })).installationId;
    const pulls = await seedPulls(sandbox, {
      repo: `${OWNER}/${name}`,
      count: PER_REPO,
      threadsPerPull: 2,
    });
    for (const p of pulls) refs.push({ owner: OWNER, repo: name, number: p.number });
  }
  let octokit: Awaited<ReturnType<typeof appClient>>["octokit"];
  ({ client, octokit } = await appClient(sandbox, installationId));
  // one PR on a branch of its own, with a thread on its file: a push to it is a push to one PR
  own = await openPull(sandbox, octokit, { repo: `${OWNER}/alpha`, branch: "own" });
  await sandbox.postReview(`${OWNER}/alpha`, own.number, {
    user: "alice",
    comments: [{ path: own.path, line: 1, body: "Rename this." }],
  });
  refs.push({ owner: OWNER, repo: "alpha", number: own.number });
  await nextSeconds();
  // every PR listed once, then a cycle that learns each repository's two ETags
  const cold = await poll();
  expect(cold.result.pulls.every((p) => p.listedBecause === "never-listed")).toBe(true);
  await poll();
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

describe("a poll of many tracked PRs in several repositories", () => {
  it("asks GraphQL nothing when nothing changed, and every REST request it makes is answered 304", async () => {
    const { result, from } = await poll();
    const sent = sandbox.state.requests.slice(from);
    expect(sent.filter((r) => r.operation === "graphql")).toEqual([]);
    // per repository: its pull list and its review comments, both unchanged
    expect(sent.map((r) => `${r.operation} ${r.path} ${r.status}`).sort()).toEqual(
      REPOS.flatMap((name) => [
        `pulls/list /repos/${OWNER}/${name}/pulls 304`,
        `pulls/list-review-comments-for-repo /repos/${OWNER}/${name}/pulls/comments 304`,
      ]).sort(),
    );
    expect(result).toMatchObject({ graphqlCalls: 0, graphqlPoints: 0, restCalls: 6 });
    expect(result.restNotModified).toBe(6);
    expect(result.pulls).toHaveLength(refs.length);
    expect(listed(result)).toEqual([]);
  });

  it("finds a reply in one PR's thread in the next cycle, listing only that PR", async () => {
    const target = refs[PER_REPO + 7] as Ref;
    await sandbox.replyInThread(
      `${OWNER}/${target.repo}`,
      firstThreadOf(target.repo, target.number),
      "bob",
      "Still open?",
    );
    await nextSeconds();
    const { result } = await poll();
    expect(listed(result)).toEqual([[`beta#${target.number}`, "comments"]]);
    const changed = result.pulls.find((p) => p.number === target.number && p.repo === "beta");
    expect(changed?.threads?.filter((t) => t.kind === "changed")).toHaveLength(1);
  });

  it("finds a push to one PR in the next cycle, listing only that PR, its thread outdated", async () => {
    await sandbox.commit(`${OWNER}/alpha`, {
      branch: "own",
      files: { [own.path]: "export const renamed = 1;\n" },
      message: "Rename",
    });
    await nextSeconds();
    const { result } = await poll();
    expect(listed(result)).toEqual([[`alpha#${own.number}`, "updated"]]);
    const pushed = result.pulls.find((p) => p.repo === "alpha" && p.number === own.number);
    expect(pushed?.threads?.map((t) => [t.kind, t.isOutdated])).toEqual([["changed", true]]);
  });

  it("finds a PR closed in the next cycle, listing only that PR", async () => {
    const target = refs[2 * PER_REPO + 3] as Ref;
    await sandbox.closePull(`${OWNER}/${target.repo}`, target.number);
    await nextSeconds();
    const { result } = await poll();
    expect(listed(result)).toEqual([[`gamma#${target.number}`, "updated"]]);
    const closed = result.pulls.find((p) => p.repo === "gamma" && p.number === target.number);
    expect(closed).toMatchObject({ state: "CLOSED", changed: true });
  });

  it("finds a review submitted in the next cycle, listing only that PR, its new thread", async () => {
    const target = refs[PER_REPO + 20] as Ref;
    const { threads } = await sandbox.postReview(`${OWNER}/${target.repo}`, target.number, {
      user: "alice",
      comments: [{ path: "seeded.txt", line: 1, body: "One more remark." }],
    });
    await nextSeconds();
    const { result } = await poll();
    expect(listed(result)).toEqual([[`beta#${target.number}`, "comments"]]);
    const reviewed = result.pulls.find((p) => p.repo === "beta" && p.number === target.number);
    expect(reviewed?.threads?.filter((t) => t.kind === "new").map((t) => t.threadId)).toEqual(
      threads.map((t) => t.id),
    );
  });

  it("lists a PR whose review had no line comment through its updatedAt alone", async () => {
    const target = refs[11] as Ref;
    await sandbox.postReview(`${OWNER}/${target.repo}`, target.number, {
      user: "alice",
      body: "Looks fine overall.",
      comments: [],
    });
    await nextSeconds();
    const { result } = await poll();
    expect(listed(result)).toEqual([[`alpha#${target.number}`, "updated"]]);
    // and once more quiet: no GraphQL, every request 304
    const quiet = await poll();
    expect(listed(quiet.result)).toEqual([]);
    expect(quiet.result).toMatchObject({ graphqlCalls: 0, restCalls: 6, restNotModified: 6 });
  });
});
