import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type {
  PollResult,
  ReviewThreadsClient,
  TrackedPull,
} from "../../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { seedPulls } from "../../src/sandbox/seedPulls.js";
import { appClient, graphqlSince, nextSeconds } from "./reviewThreadsFixture.js";

// A repository busier than the pull list is read for: more PRs updated since the last listing
// than 3 pages hold. The list says nothing certain about the tracked PRs past those pages, so
// their heads are asked over GraphQL (1 point per 250), and only the one that moved is listed.

let sandbox: Sandbox;
let client: ReviewThreadsClient;
let numbers: number[];
const REPO = "acme/busy";

beforeAll(async () => {
  sandbox = await startSandbox();
  const { installationId } = await sandbox.createRepo({ owner: "acme", name: "busy" });
  ({ client } = await appClient(sandbox, installationId));
  numbers = (await seedPulls(sandbox, { repo: REPO, count: 320, threadsPerPull: 1 })).map(
    (p) => p.number,
  );
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

function track(previous: PollResult | null, pick: number[]): TrackedPull[] {
  return pick.map((number) => ({
    owner: "acme",
    repo: "busy",
    number,
    seen: previous?.pulls.find((p) => p.number === number)?.seen ?? null,
  }));
}

describe("a poll of a repository with more fresh updates than its pull list is read for", () => {
  it("heads its tracked PRs over GraphQL and lists only the one that moved", async () => {
    const tracked = [numbers[0] as number, numbers[1] as number];
    const cold = await client.poll(track(null, tracked));
    const learned = await client.poll(track(cold, tracked), cold.repos);
    // people comment on 319 PRs, one of them tracked
    await nextSeconds();
    for (const number of [numbers[0] as number, ...numbers.slice(2, 320)]) {
      await sandbox.comment(REPO, number, "alice", "Any news?");
    }
    await nextSeconds();
    const from = sandbox.state.requests.length;
    const busy = await client.poll(track(cold, tracked), learned.repos);
    const lists = sandbox.state.requests
      .slice(from)
      .filter((r) => r.operation === "pulls/list")
      .map((r) => r.status);
    expect(lists).toEqual([200, 200, 200]);
    const asked = graphqlSince(sandbox, from).map((r) => r.query.match(/^query (\w+)/)?.[1]);
    expect(asked).toEqual(["PullHeads", "ThreadPages"]);
    expect(busy.pulls.map((p) => [p.number, p.listedBecause])).toEqual([
      [tracked[0], "updated"],
      [tracked[1], null],
    ]);
    expect(busy.graphqlPoints).toBe(2);
  });
});
