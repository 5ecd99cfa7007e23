import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startServerProcess } from "../faults/serverProcess.js";
import { type Harness, startHarness } from "./harness.js";
import { backendsJson, specOf, taskCommits, waitFor } from "./helpers.js";
import { startWorkerProcess } from "./workerProcess.js";

const SPEC = specOf([
  "  - { id: one, group: core, title: First, description: Do the first. }",
  "  - { id: two, group: core, depends_on: [one], title: Second, description: Do the second. }",
]);

describe("a server with WORKER_CONCURRENCY=0 and workers on other machines", () => {
  let h: Harness;
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("needs neither git nor the agent sandbox: its run is done by an `orchestrate worker`", async () => {
    // This test process only drives the sandbox; the two processes do all the work.
    h = await startHarness({
      repoPrefix: "split",
      roles: { webhooks: false, events: false, worker: false, poller: false },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
    const backends = backendsJson([{ name: "edit", agent: "edit-agent.mjs" }]);
    // A PATH with nothing on it: no git, no bubblewrap, no agent CLI (node is started by path).
    const empty = mkdtempSync(join(tmpdir(), "orchestrate-empty-path-"));
    stops.push(async () => rmSync(empty, { recursive: true, force: true }));
    const server = await startServerProcess(h, {
      backends,
      env: { WORKER_CONCURRENCY: "0", PATH: empty },
    });
    stops.push(() => server.stop());
    const worker = await startWorkerProcess(h, { backends });
    stops.push(() => worker.stop());
    h.sandbox.setWebhookTarget({ url: server.webhookUrl, secret: "e2e-webhook-secret" });

    const issue = h.sandbox.createIssue(h.repo, {
      title: "Split roles",
      body: SPEC,
      user: "maintainer-user",
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", "maintainer-user");
    await waitFor(
      "the run to be done",
      async () => (await h.run(issue.number))?.run.state === "done",
      {
        timeoutMs: 180_000,
      },
    );

    const branch = `orchestrate/${issue.number}-core`;
    expect(taskCommits(h, branch, issue.number, "one")).toHaveLength(1);
    expect(taskCommits(h, branch, issue.number, "two")).toHaveLength(1);
    expect([...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])]).toHaveLength(1);
    expect(server.output()).not.toMatch(/sandbox|bwrap|git: not found/i);
  });

  it("`orchestrate worker` with WORKER_CONCURRENCY=0 says what to set", async () => {
    h = await startHarness({ repoPrefix: "split0", roles: { worker: false } });
    const backends = backendsJson([{ name: "edit", agent: "edit-agent.mjs" }]);
    await expect(
      startWorkerProcess(h, { backends, env: { WORKER_CONCURRENCY: "0" } }),
    ).rejects.toThrow(/WORKER_CONCURRENCY: a worker runs 1 task or more at once/);
  });
});
