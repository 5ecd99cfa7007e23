// The codex preset through the whole app: a labelled issue on the GitHub stand-in, the worker
// configured as an operator would (ORCHESTRATE_BACKENDS=codex, network for codex, its package
// readable in the sandbox, OPENAI_API_KEY and OPENAI_BASE_URL in the worker's environment), the
// real codex CLI in the real sandbox, and OpenAI's Responses API replaced by a scripted stand-in.

import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type OpenAiResponsesStandIn,
  startOpenAiResponses,
  toolOutput,
} from "../../src/sandbox/models/openaiResponses.js";
import { type Harness, startHarness } from "../e2e/harness.js";
import { appComments, specOf, startRun } from "../e2e/helpers.js";

const root = join(import.meta.dirname, "../..");
const KEY = "sk-test-codex-app-0123456789";
const VERIFY = "sh check.sh";
const saved = { PATH: process.env.PATH, OPENAI_API_KEY: process.env.OPENAI_API_KEY };

describe("a run whose tasks the codex preset does", () => {
  let h: Harness;
  let api: OpenAiResponsesStandIn;
  beforeAll(async () => {
    const script = [
      'await tools.apply_patch("*** Begin Patch\\n*** Add File: hello.txt\\n+hello from codex\\n*** End Patch\\n");',
      `const r = await tools.exec_command({ cmd: ${JSON.stringify(VERIFY)} });`,
      "text(r.output);",
    ].join("\n");
    api = await startOpenAiResponses({
      apiKey: KEY,
      turns: [
        {
          items: [{ type: "custom_tool_call", name: "exec", callId: "call_hello", input: script }],
        },
        { items: [{ type: "message", text: "Added hello.txt; sh check.sh passes." }] },
      ],
    });
    // The worker's own environment, which agents get a scrubbed copy of.
    process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
    process.env.OPENAI_API_KEY = KEY;
    process.env.OPENAI_BASE_URL = api.baseUrl;
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        "check.sh": "grep -q 'hello from codex' hello.txt && echo CHECK-PASSED\n",
        ".github/orchestrate.yml": "limits:\n  attempts: 1\n",
      },
      env: {
        ORCHESTRATE_BACKENDS: "codex",
        ORCHESTRATE_SANDBOX_NETWORK: "codex",
        ORCHESTRATE_SANDBOX_READ_ONLY: join(root, "node_modules/@openai"),
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

  it("pushes codex's file, with its verify run in the sandbox and its final message as the report", async () => {
    const issue = await startRun(
      h,
      specOf([
        `  - { id: hello, group: g, verify: ${VERIFY}, title: Hello file, description: Create hello.txt. }`,
      ]),
    );
    await h.settle();

    const run = await h.run(issue);
    expect(run?.run.state).toBe("done");
    expect(await h.sandbox.fileAt(h.repo, `orchestrate/${issue}-g`, "hello.txt")).toBe(
      "hello from codex\n",
    );
    const task = run?.tasks.find((t) => t.id === "hello");
    expect(task).toMatchObject({ status: "complete", lastBackend: "codex" });
    expect(task?.report).toBe("Added hello.txt; sh check.sh passes.");
    expect(appComments(h, issue).join("\n")).toContain("Added hello.txt; sh check.sh passes.");
    // codex got the work order, and ran the verify command: its output went back to the model.
    expect(JSON.stringify(api.responseRequests()[0]?.body)).toContain("Hello file");
    expect(JSON.stringify(toolOutput(api.requests, "call_hello"))).toContain("CHECK-PASSED");
  });
});
