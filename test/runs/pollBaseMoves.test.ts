import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { octokitGitHub } from "../../src/github/octokitGitHub.js";
import { redisBaseTips } from "../../src/queue/redisBaseTips.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { MergeabilityPendingError } from "../../src/runs/baseMoved.js";
import { pollBaseMoves } from "../../src/runs/pollBaseMoves.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit } from "../sandbox/sandboxClient.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// The poll notices a moved default branch without the push webhook: one conditional read of the
// branch per repository and cycle, answered 304 (free) while it has not moved.
describe("the poll's look at the default branch", () => {
  let sandbox: Sandbox;
  let redis: Redis;
  beforeAll(async () => {
    sandbox = await startSandbox();
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await sandbox.close();
  });

  it("records the tip, asks again for free while it stays, and catches the group's PR up once it moves", async () => {
    const created = await sandbox.createRepo({ owner: "acme", name: "shop" });
    const branch = "orchestrate/12-data";
    await sandbox.commit("acme/shop", { branch, files: { "a.txt": "a\n" }, message: "Work" });
    const pull = await sandbox.openPull("acme/shop", { user: "acme", head: branch, title: "Work" });
    const github = octokitGitHub(
      installationOctokit(sandbox, created.installationId) as unknown as ProbotOctokit,
      "orchestrate[bot]",
      async () => {
        throw new Error("no git here");
      },
    );
    const prefix = `base-poll-${randomUUID().slice(0, 8)}`;
    const store = redisRunStore(redis, prefix);
    await store.put({
      run: runRecord({
        installationId: created.installationId,
        state: "done",
        groups: [{ name: "data", branch, pull: pull.number }],
      }),
      tasks: [taskRecord("t1", { status: "complete" })],
    });
    const dispatched: string[] = [];
    const deps = {
      store,
      github,
      tips: redisBaseTips(redis, prefix),
      dispatchReady: async (key: string) => void dispatched.push(key),
      requestPublish: async () => undefined,
    };
    const repos = [{ owner: "acme", repo: "shop" }];
    const branchReads = () =>
      sandbox.state.requests.filter((r) => r.operation === "repos/get-branch").map((r) => r.status);

    await pollBaseMoves(repos, deps);
    await pollBaseMoves(repos, deps);
    expect(branchReads()).toEqual([200, 304]);
    expect((await store.get("acme/shop#12"))?.tasks).toHaveLength(1);

    await sandbox.commit("acme/shop", {
      branch: "main",
      files: { "m.txt": "m\n" },
      message: "Main",
    });
    // GitHub's first answer on the PR's mergeability is null: the next poll asks again.
    await expect(pollBaseMoves(repos, deps)).rejects.toBeInstanceOf(MergeabilityPendingError);
    await pollBaseMoves(repos, deps);
    const snapshot = await store.get("acme/shop#12");
    expect(snapshot?.tasks.map((t) => [t.id, t.kind, t.status])).toContainEqual([
      "catch-up-data-1",
      "catch-up",
      "pending",
    ]);
    expect(snapshot?.run.state).toBe("reviewing");
    expect(snapshot?.run.groups[0]?.catchUp).toMatchObject({
      branch: "main",
      behindBy: 1,
      state: "catching-up",
    });
    expect(dispatched).toEqual(["acme/shop#12"]);
    expect(sandbox.state.requests.some((r) => r.operation === "graphql")).toBe(false);
    sandbox.assertFidelity();
  });
});
