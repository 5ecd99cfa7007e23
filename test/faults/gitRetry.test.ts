import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../e2e/harness.js";

describe("git over HTTPS when GitHub stumbles", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("retries fetches and pushes answered 502 without spending the task's attempts", async () => {
    const agent = [process.execPath, resolve("test/agents/edit-agent.mjs")];
    h = await startHarness({
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "limits:\n  attempts: 1\n" },
      env: {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          { name: "edit", command: agent, promptVia: "stdin" },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "One task",
      body: "## core\n- [ ] only: The only task\n",
      user: "maintainer-user",
    });
    h.sandbox.fail("git", 3, "502");
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", "maintainer-user");
    await h.settle();
    const run = await h.run(issue.number);
    expect(run?.run.state).toBe("done");
    expect(run?.tasks.map((t) => [t.id, t.status, t.attempts])).toEqual([["only", "complete", 1]]);
    expect(
      h.sandbox.state.requests.filter((r) => r.operation === "git" && r.status === 502),
    ).toHaveLength(3);
    expect(await h.sandbox.fileAt(h.repo, `orchestrate/${issue.number}-core`, "only.txt")).toBe(
      "done by only\n",
    );
  });
});
