import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import { coordinationDir, sharedWith, waitFor } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const agent = (release: string, env: Record<string, string>) =>
  JSON.stringify([
    {
      name: "selective",
      command: [process.execPath, resolve("test/agents/selective-agent.mjs")],
      promptVia: "stdin",
      env: { RELEASE_FILE: release, ...env },
    },
  ]);

describe("a run's limits", () => {
  let h: Harness;
  // The agents' RELEASE_FILE lives in a folder of the test's that their sandbox shares.
  let dir: string;
  const release = () => join(dir, "release");
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(config: string, env: Record<string, string>, spec: string) {
    dir = coordinationDir();
    h = await startHarness({
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": config },
      env: {
        ...sharedWith(dir),
        ORCHESTRATE_BACKENDS: agent(release(), env),
        WORKER_CONCURRENCY: "4",
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
    const issue = h.sandbox.createIssue(h.repo, { title: "Limits", body: spec, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    return issue.number;
  }

  it("limits.concurrency keeps the run's other tasks waiting while one runs", async () => {
    const n = await start(
      "limits:\n  concurrency: 1\n",
      { HOLD_TASKS: "first" },
      "## core\n- [ ] first: First\n      priority: 9\n- [ ] second: Second\n- [ ] third: Third\n",
    );
    const status = async (id: string) => (await h.run(n))?.tasks.find((t) => t.id === id)?.status;
    await waitFor(
      "the held task to be running",
      async () => (await status("first")) === "in_progress",
    );
    expect(await status("second")).toBe("pending");
    expect(await status("third")).toBe("pending");
    writeFileSync(release(), "go\n");
    await h.settle();
    expect((await h.run(n))?.run.state).toBe("done");
  });

  it("stops the run with a clear line when its budget of attempts is spent", async () => {
    const n = await start(
      "limits:\n  run_attempts: 2\n",
      {},
      "## core\n- [ ] a: A\n- [ ] b: B\n      depends on: a\n- [ ] c: C\n      depends on: b\n",
    );
    await h.settle();
    const run = await h.run(n);
    expect(run?.run.state).toBe("stopped");
    expect(run?.tasks.map((t) => [t.id, t.status]).sort()).toEqual([
      ["a", "complete"],
      ["b", "complete"],
      ["c", "cancelled"],
    ]);
    const comment = h.sandbox.issueComments(h.repo, n).find((c) => c.user === "orchestrate[bot]");
    expect(comment?.body).toMatch(/budget of 2 agent attempts is spent/);
    expect(comment?.body).toMatch(/limits\.run_attempts/);
  });
});
