import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { octokitGitHub } from "../../src/github/octokitGitHub.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { SUMMARY_LIMIT, syncCheckRuns } from "../../src/runs/syncCheckRuns.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit } from "../sandbox/sandboxClient.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// A check run's output.summary is documented with maxLength 65,535 and the sandbox refuses
// more (422) as GitHub does: a run with hundreds of failed tasks must still get its check run.
describe("the check run of a group with many failed tasks", () => {
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

  it("stays within GitHub's limit on its summary and says how many failures it left out", async () => {
    const created = await sandbox.createRepo({ owner: "acme", name: "shop" });
    await sandbox.commit("acme/shop", {
      branch: "orchestrate/12-data",
      files: { "a.txt": "a\n" },
      message: "Work",
    });
    const pull = await sandbox.openPull("acme/shop", {
      user: "acme",
      head: "orchestrate/12-data",
      title: "Work — data",
    });
    const octokit = installationOctokit(sandbox, created.installationId);
    const github = octokitGitHub(
      octokit as unknown as ProbotOctokit,
      "orchestrate[bot]",
      async () => {
        throw new Error("no git here");
      },
    );
    const store = redisRunStore(redis, `limits-${randomUUID().slice(0, 8)}`);
    const tasks = Array.from({ length: 400 }, (_, i) =>
      taskRecord(`t${i}`, {
        status: "failed",
        title: `A task with a long title ${"x".repeat(150)}`,
        report: `exited with 1: ${"y".repeat(400)}`,
      }),
    );
    const snapshot = {
      run: runRecord({
        installationId: created.installationId,
        state: "failed",
        groups: [{ name: "data", branch: "orchestrate/12-data", pull: pull.number }],
      }),
      tasks,
    };
    await store.put(snapshot);
    await syncCheckRuns(snapshot, { store, github, issueUrl: "https://example.test/issues/12" });

    sandbox.assertFidelity();
    const [check, ...others] = [
      ...(sandbox.state.repos.get("acme/shop")?.checkRuns.values() ?? []),
    ];
    expect(others).toEqual([]);
    expect(check?.conclusion).toBe("failure");
    const summary = check?.output?.summary ?? "";
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    const listed = summary.split("\n").filter((l) => l.startsWith("- `t"));
    expect(listed.length).toBeGreaterThan(50);
    expect(summary).toContain(`…and ${400 - listed.length} more failed tasks`);
  });

  it("is refused by the sandbox, as by GitHub, past the documented maxLength", async () => {
    const created = sandbox.state.repos.get("acme/shop");
    const octokit = installationOctokit(sandbox, created?.installationId ?? 0);
    const head = (await sandbox.branches("acme/shop"))[0]?.sha ?? "";
    await expect(
      octokit.rest.checks.create({
        owner: "acme",
        repo: "shop",
        name: "too long",
        head_sha: head,
        output: { title: "t", summary: "s".repeat(SUMMARY_LIMIT + 1) },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(() => sandbox.assertFidelity()).toThrow(/too long \(65536 > 65535\)/);
  });
});
