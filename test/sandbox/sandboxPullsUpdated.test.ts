import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit } from "./sandboxClient.js";

// The pull list a poller watches: GET /repos/{o}/{r}/pulls?state=all&sort=updated&direction=desc.
// As on GitHub, a PR's updated_at moves on a review, a review comment or reply, a comment on its
// conversation, a push to its head and a close, bringing it to the top; the list's ETag changes
// with it, and a conditional request for the unchanged list is a free 304.

let sandbox: Sandbox;
let octokit: Octokit;
const REPO = "acme/listing";
const repo = { owner: "acme", repo: "listing" };
/** The sandbox's clock, stepped a second at a time: GitHub's timestamps have whole seconds. */
let clock = Date.now();
const tick = () => {
  clock += 1000;
};

beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.state.now = () => new Date(clock);
  const { installationId } = await sandbox.createRepo({ owner: "acme", name: "listing" });
  octokit = installationOctokit(sandbox, installationId);
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

async function updatedFirst(extra: Record<string, string | number> = {}) {
  const answer = await octokit.rest.pulls.list({
    ...repo,
    state: "all",
    sort: "updated",
    direction: "desc",
    per_page: 100,
    ...extra,
  });
  return { numbers: answer.data.map((p) => p.number), etag: answer.headers.etag ?? "" };
}

async function statusFor(etag: string): Promise<number> {
  try {
    const answer = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
      ...repo,
      state: "all",
      sort: "updated",
      direction: "desc",
      per_page: 100,
      headers: { "if-none-match": etag },
    });
    return answer.status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe("the pull list sorted by updated", () => {
  it("brings a PR to the top on a review, a reply, a conversation comment, a push and a close; 304 while nothing moved", async () => {
    const opened: Record<"a" | "b" | "c", number> = { a: 0, b: 0, c: 0 };
    for (const name of ["a", "b", "c"] as const) {
      tick();
      await sandbox.commit(REPO, {
        branch: name,
        files: { [`${name}.txt`]: `${name}\n` },
        message: name,
      });
      const { data } = await octokit.rest.pulls.create({
        ...repo,
        head: name,
        base: "main",
        title: name,
      });
      opened[name] = data.number;
    }
    const { a, b, c } = opened;
    let seen = await updatedFirst();
    expect(seen.numbers).toEqual([c, b, a]);
    const used = sandbox.rateLimit(sandbox.state.repos.get(REPO)?.installationId ?? 0, "core").used;
    expect(await statusFor(seen.etag)).toBe(304);
    expect(sandbox.rateLimit(sandbox.state.repos.get(REPO)?.installationId ?? 0, "core").used).toBe(
      used,
    );

    const moves: Array<[string, () => Promise<unknown>, number[]]> = [
      [
        "a review without line comments",
        () => sandbox.postReview(REPO, a, { user: "alice", body: "Fine.", comments: [] }),
        [a, c, b],
      ],
      [
        "a review with a line comment",
        () =>
          sandbox.postReview(REPO, b, {
            user: "alice",
            comments: [{ path: "b.txt", line: 1, body: "Why b?" }],
          }),
        [b, a, c],
      ],
      [
        "a comment on the conversation",
        () => sandbox.comment(REPO, c, "alice", "Ping."),
        [c, b, a],
      ],
      [
        "a reply in a thread",
        () => {
          const thread = [...(sandbox.state.repos.get(REPO)?.threads.values() ?? [])].find(
            (t) => t.pullNumber === b,
          );
          return sandbox.replyInThread(REPO, thread?.id ?? "", "bob", "Because.");
        },
        [b, c, a],
      ],
      [
        "a push to the head",
        () => sandbox.commit(REPO, { branch: "a", files: { "a.txt": "a2\n" }, message: "a2" }),
        [a, b, c],
      ],
      ["a close", () => sandbox.closePull(REPO, c), [c, a, b]],
    ];
    for (const [what, move, order] of moves) {
      tick();
      await move();
      expect(await statusFor(seen.etag), what).toBe(200);
      seen = await updatedFirst();
      expect(seen.numbers, what).toEqual(order);
      expect(await statusFor(seen.etag), what).toBe(304);
    }

    // state, direction (ascending by default when sorting by updated) and per_page
    expect((await updatedFirst({ state: "open" })).numbers).toEqual([a, b]);
    expect((await updatedFirst({ state: "closed" })).numbers).toEqual([c]);
    const ascending = await octokit.rest.pulls.list({ ...repo, state: "all", sort: "updated" });
    expect(ascending.data.map((p) => p.number)).toEqual([b, a, c]);
    const page = await octokit.rest.pulls.list({
      ...repo,
      state: "all",
      sort: "updated",
      direction: "desc",
      per_page: 1,
    });
    expect(page.data.map((p) => p.number)).toEqual([c]);
    expect(page.headers.link).toContain('rel="next"');
  });
});
