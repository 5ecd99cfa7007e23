// A run stopped by its token budget: the codex preset through the whole app (as in
// codexPresetApp.test.ts), the real codex CLI in the real sandbox reporting what it spent
// (`--json`), `limits.tokens` in the repository's config, and the operator's price for codex.
// The first task's tokens spend the budget; the task waiting on it never runs, and the status
// comment says what was spent and how to go on.

import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type OpenAiResponsesStandIn,
  startOpenAiResponses,
} from "../../src/sandbox/models/openaiResponses.js";
import { type Harness, startHarness } from "../e2e/harness.js";
import { appComments, specOf, startRun } from "../e2e/helpers.js";

const root = join(import.meta.dirname, "../..");
const KEY = "sk-test-codex-budget-0123456789";
const saved = { PATH: process.env.PATH, OPENAI_API_KEY: process.env.OPENAI_API_KEY };

describe("a run whose codex tasks spend its limits.tokens", () => {
  let h: Harness;
  let api: OpenAiResponsesStandIn;
  beforeAll(async () => {
    const patch =
      'await tools.apply_patch("*** Begin Patch\\n*** Add File: hello.txt\\n+hello from codex\\n*** End Patch\\n");';
    api = await startOpenAiResponses({
      apiKey: KEY,
      // One task's work: a patch, then the report. A second task would find no turns left.
      turns: [
        { items: [{ type: "custom_tool_call", name: "exec", callId: "call_hello", input: patch }] },
        { items: [{ type: "message", text: "Added hello.txt." }] },
      ],
    });
    process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
    process.env.OPENAI_API_KEY = KEY;
    process.env.OPENAI_BASE_URL = api.baseUrl;
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        ".github/orchestrate.yml": "limits:\n  attempts: 1\n  tokens: 150\n",
      },
      env: {
        ORCHESTRATE_BACKENDS: "codex",
        ORCHESTRATE_SANDBOX_NETWORK: "codex",
        ORCHESTRATE_SANDBOX_READ_ONLY: join(root, "node_modules/@openai"),
        // codex names no model: the operator prices its tokens by the backend's name.
        ORCHESTRATE_PRICES: '{"codex":{"input":1.25,"output":10}}',
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h?.close();
    await api?.close();
    process.env.PATH = saved.PATH;
    if (saved.OPENAI_API_KEY === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
  });

  it("stops once codex's reported tokens reach the budget, saying what was spent and how to go on", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: hello, group: g, title: Hello file, description: Create hello.txt. }",
        "  - { id: after, group: g, depends_on: [hello], title: Later work, description: More. }",
      ]),
    );
    await h.settle();

    const run = await h.run(issue);
    expect(run?.run.state).toBe("stopped");
    const hello = run?.tasks.find((t) => t.id === "hello");
    // Two requests, 100 in and 10 out each as the stand-in reported them; priced by the
    // operator's table at $1.25 and $10 per million.
    expect(hello).toMatchObject({
      status: "complete",
      usage: { inputTokens: 200, outputTokens: 20, costUsd: (200 * 1.25 + 20 * 10) / 1e6 },
    });
    expect(run?.tasks.find((t) => t.id === "after")).toMatchObject({
      status: "cancelled",
      attempts: 0,
    });
    expect(api.responseRequests()).toHaveLength(2);

    const comment = appComments(h, issue).join("\n");
    expect(comment).toContain(
      "stopped: its budget of 150 tokens is spent (220 used): raise `limits.tokens` in .github/orchestrate.yml, then `/orchestrate` to go on",
    );
    expect(comment).toContain("| codex | 1 |");
    expect(comment).toContain("| 200 in / 20 out | <$0.01 |");
    expect(comment).toContain("**Spent:** 200 tokens in / 20 out (budget 150) · <$0.01");
  });
});
