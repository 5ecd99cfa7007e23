import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const MAINTAINER = "maintainer-user";

describe("a task's model and reasoning effort", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  it("reach the agent's argv: the task's own, else the repository's default for its backend", async () => {
    h = await startHarness({
      repoPrefix: "models",
      files: {
        "README.md": "# demo\n",
        ".github/orchestrate.yml":
          "backend_defaults:\n  argv:\n    model: house-model\n    effort: low\n",
      },
      env: {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          {
            name: "argv",
            command: [process.execPath, resolve("test/agents/argv-agent.mjs"), "work"],
            modelArgs: ["--model", "{model}"],
            effortArgs: ["-c", 'model_reasoning_effort="{effort}"'],
          },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
    const spec = [
      "## core",
      "- [ ] chosen: Uses the model the spec names",
      "  - model: gpt-5-codex",
      "  - effort: high",
      "- [ ] plain: Uses the repository's defaults",
    ].join("\n");
    const issue = h.sandbox.createIssue(h.repo, { title: "Models", body: spec, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();

    expect((await h.run(issue.number))?.run.state).toBe("done");
    const branch = `orchestrate/${issue.number}-core`;
    const argvOf = async (task: string) =>
      JSON.parse((await h.sandbox.fileAt(h.repo, branch, `${task}.txt`)) ?? "null");
    expect(await argvOf("chosen")).toEqual([
      "work",
      "--model",
      "gpt-5-codex",
      "-c",
      'model_reasoning_effort="high"',
    ]);
    expect(await argvOf("plain")).toEqual([
      "work",
      "--model",
      "house-model",
      "-c",
      'model_reasoning_effort="low"',
    ]);
  });
});
