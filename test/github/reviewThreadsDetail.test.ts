import type { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type PullPoll,
  type ReviewThreadsClient,
  ReviewThreadsError,
} from "../../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { appClient, graphqlSince, nextSeconds, openPull } from "./reviewThreadsFixture.js";

let sandbox: Sandbox;
let client: ReviewThreadsClient;
let octokit: ProbotOctokit;
const REPO = "acme/gadgets";

// Every C0 control (NUL included), DEL, C1 NEL, the JSON-hostile line and paragraph
// separators, bidi overrides, an astral emoji, CJK, and characters that quote or template.
const AWKWARD = `ctrl:${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("")}\u007f\u0085 \u2028\u2029 \u200e\u202e\u202c 🧵 漢字 \\ " ' \` \${x} {{y}} </textarea><!--`;

beforeAll(async () => {
  sandbox = await startSandbox();
  const { installationId } = await sandbox.createRepo({ owner: "acme", name: "gadgets" });
  ({ client, octokit } = await appClient(sandbox, installationId));
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

async function pullWithThreads(branch: string, bodies: string[]) {
  const pull = await openPull(sandbox, octokit, { repo: REPO, branch, lines: bodies.length });
  const { threads } = await sandbox.postReview(REPO, pull.number, {
    user: "alice",
    comments: bodies.map((body, i) => ({ path: pull.path, line: i + 1, body })),
  });
  return { ...pull, threadIds: threads.map((t) => t.id) };
}

function onlyPull(polled: { pulls: PullPoll[] }): PullPoll {
  expect(polled.pulls).toHaveLength(1);
  return polled.pulls[0] as PullPoll;
}

describe("reviewThreadsClient thread detail and writes", () => {
  it("reads every comment of a thread with 120 of them", async () => {
    const { threadIds } = await pullWithThreads("long", ["comment 1"]);
    const threadId = threadIds[0] as string;
    for (let i = 2; i <= 120; i++) {
      await sandbox.replyInThread(REPO, threadId, i % 2 === 0 ? "bob" : "alice", `comment ${i}`);
    }
    const from = sandbox.state.requests.length;
    const detail = await client.threadDetail(threadId);
    expect(detail.comments.map((c) => c.body)).toEqual(
      Array.from({ length: 120 }, (_, i) => `comment ${i + 1}`),
    );
    expect(new Set(detail.comments.map((c) => c.id)).size).toBe(120);
    expect(detail.comments[1]).toMatchObject({ author: "bob", authorType: "User" });
    expect(detail).toMatchObject({ id: threadId, line: 1, isResolved: false, isOutdated: false });
    expect(detail.diffHunk).toMatch(/^@@ .* @@/);
    expect(detail.comments.every((c) => c.reviewId !== null && c.databaseId > 0)).toBe(true);
    // the first 100 with the thread, the other 20 in one more page
    expect(graphqlSince(sandbox, from).map((r) => r.cost)).toEqual([1, 1]);
  });

  it("replies and resolves; both show in GitHub's state and in the next poll", async () => {
    const pull = await pullWithThreads("answer", ["please rename", "and this"]);
    const [threadId = "", other = ""] = pull.threadIds;
    await nextSeconds();
    const first = onlyPull(
      await client.poll([{ owner: "acme", repo: "gadgets", number: pull.number, seen: null }]),
    );

    const reply = await client.reply(threadId, "Renamed in abc1234.");
    await client.resolve(threadId);

    const thread = sandbox.state.repos.get(REPO)?.threads.get(threadId);
    expect(thread?.isResolved).toBe(true);
    const last = sandbox.state.repos.get(REPO)?.reviewComments.get(thread?.commentIds[1] ?? -1);
    expect(last).toMatchObject({ user: "orchestrate[bot]", body: "Renamed in abc1234." });
    expect(reply.commentId).toBe(last?.nodeId);
    expect(reply.url).toContain(`/pull/${pull.number}#discussion_r${last?.id}`);

    const again = onlyPull(
      await client.poll([
        { owner: "acme", repo: "gadgets", number: pull.number, seen: first.seen },
      ]),
    );
    expect(again.changed).toBe(true);
    expect(again.threads?.find((t) => t.threadId === threadId)).toMatchObject({
      kind: "changed",
      isResolved: true,
      commentCount: 2,
      before: { isResolved: false, commentCount: 1 },
    });
    expect(again.threads?.find((t) => t.threadId === other)?.kind).toBe("unchanged");

    // GraphQL names the app's bot without "[bot]"
    const detail = await client.threadDetail(threadId);
    expect(detail.comments.at(-1)).toMatchObject({ author: "orchestrate", authorType: "Bot" });
    expect(detail.isResolved).toBe(true);

    await client.unresolve(threadId);
    expect(sandbox.state.repos.get(REPO)?.threads.get(threadId)?.isResolved).toBe(false);
  });

  it("carries control characters and any unicode through, both ways", async () => {
    const pull = await pullWithThreads("awkward", [AWKWARD]);
    const threadId = pull.threadIds[0] as string;
    const polled = onlyPull(
      await client.poll([{ owner: "acme", repo: "gadgets", number: pull.number, seen: null }]),
    );
    expect(polled.threads).toHaveLength(1);

    await client.reply(threadId, `${AWKWARD} (reply)`);
    const stored = sandbox.state.repos.get(REPO)?.threads.get(threadId)?.commentIds ?? [];
    const repo = sandbox.state.repos.get(REPO);
    expect(stored.map((id) => repo?.reviewComments.get(id)?.body)).toEqual([
      AWKWARD,
      `${AWKWARD} (reply)`,
    ]);
    const detail = await client.threadDetail(threadId);
    expect(detail.comments.map((c) => c.body)).toEqual([AWKWARD, `${AWKWARD} (reply)`]);
  });

  it("reads many threads in one call and leaves out the ones that do not exist", async () => {
    const pull = await pullWithThreads("many", ["a", "b", "c", "d"]);
    const from = sandbox.state.requests.length;
    const details = await client.threadDetails([...pull.threadIds, "PRRT_doesNotExist"]);
    expect(details.map((d) => d.comments[0]?.body)).toEqual(["a", "b", "c", "d"]);
    expect(graphqlSince(sandbox, from).map((r) => r.cost)).toEqual([1]);
  });

  it("says which thread it could not find", async () => {
    await expect(client.threadDetail("PRRT_doesNotExist")).rejects.toMatchObject({
      code: "THREAD_NOT_FOUND",
    });
    const refused = client.resolve("PRRT_doesNotExist");
    await expect(refused).rejects.toBeInstanceOf(ReviewThreadsError);
    await expect(refused).rejects.toMatchObject({ code: "THREAD_NOT_FOUND" });
    await expect(client.reply("PRRT_doesNotExist", "hello")).rejects.toThrow(/PRRT_doesNotExist/);
  });
});
