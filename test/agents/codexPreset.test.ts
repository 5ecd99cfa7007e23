// The codex preset end to end: the real codex CLI (the pinned @openai/codex devDependency),
// started by the worker's attempt in the real bubblewrap sandbox, its work committed and pushed
// to a real git remote. Only OpenAI's Responses API is replaced, at the HTTP border, by a
// scripted stand-in that records what codex sends it.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type OpenAiResponsesStandIn,
  type ScriptedTurn,
  startOpenAiResponses,
  toolOutput,
} from "../../src/sandbox/models/openaiResponses.js";
import { type AttemptOptions, runAttempt } from "../../src/worker/attempt.js";
import { runBackend } from "../../src/worker/backends.js";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { parseBackends } from "../../src/worker/parseBackends.js";
import { plannerAsk, plannerBackend } from "../../src/worker/plannerAsk.js";
import {
  git,
  makeRemote,
  type Remote,
  remoteBranch,
  removeTempDirs,
  tempDir,
} from "../worker/gitFixtures.js";
import { ownAttempt, presetAttempt } from "./presetAttempt.js";

const root = join(import.meta.dirname, "../..");
// As an operator installs it: codex on PATH, its package readable in the sandbox
// (ORCHESTRATE_SANDBOX_READ_ONLY), the network shared with it (ORCHESTRATE_SANDBOX_NETWORK).
process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
const isolation = bwrapIsolation({ readOnly: [join(root, "node_modules/@openai")] });
const KEY = "sk-test-codex-preset-0123456789";
const BRANCH = "orchestrate/13-codex";
const VERIFY = "grep -q 'hello from codex' hello.txt && echo VERIFY-OK";

afterAll(removeTempDirs);

let base: string;
let remote: Remote;
let api: OpenAiResponsesStandIn | undefined;
beforeEach(() => {
  base = tempDir("orchestrate-codex-");
  remote = makeRemote(base);
  process.env.OPENAI_API_KEY = KEY;
  delete process.env.CODEX_API_KEY;
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});

async function standIn(turns: ScriptedTurn[], after?: ScriptedTurn) {
  api = await startOpenAiResponses({ apiKey: KEY, turns, ...(after ? { after } : {}) });
  // The operator's variable for every OpenAI client; the preset hands it to codex.
  process.env.OPENAI_BASE_URL = api.baseUrl;
  return api;
}

function options(taskId: string, overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  const [codex] = parseBackends("codex");
  const o = { backend: codex!, base, remote, isolation, branch: BRANCH, verify: VERIFY, issue: 13 };
  return presetAttempt({ ...o, taskId }, overrides);
}

describe("the codex preset with the real codex CLI", () => {
  it("edits a file, runs the verify command in the sandbox, and its final message is the report", async () => {
    // A file of the worker's machine that the sandbox must not show.
    const hostOnly = join(base, "host-only.txt");
    writeFileSync(hostOnly, "secret\n");
    // Code mode, the default model's only tool: a script calling codex's nested tools.
    const script = [
      'await tools.apply_patch("*** Begin Patch\\n*** Add File: hello.txt\\n+hello from codex\\n*** End Patch\\n");',
      `const r = await tools.exec_command({ cmd: ${JSON.stringify(`${VERIFY}; test -e ${hostOnly} && echo HOST-VISIBLE || echo HOST-HIDDEN`)} });`,
      "text(r.output);",
    ].join("\n");
    const s = await standIn([
      { items: [{ type: "custom_tool_call", name: "exec", callId: "call_edit", input: script }] },
      { items: [{ type: "message", text: "Created hello.txt; the verify command passes." }] },
    ]);

    const r = await runAttempt(options("t1"));

    expect(r).toMatchObject({ ok: true, report: "Created hello.txt; the verify command passes." });
    const sha = remoteBranch(remote, BRANCH);
    expect(r.ok && r.sha).toBe(sha);
    expect(git(remote.dir, "show", `${sha}:hello.txt`)).toBe("hello from codex");
    // The verify command ran where codex runs its commands, in the sandbox, and its output
    // went back to the model.
    const output = JSON.stringify(toolOutput(s.requests, "call_edit"));
    expect(output).toContain("VERIFY-OK");
    expect(output).toContain("HOST-HIDDEN");
    // OPENAI_API_KEY reached codex (as CODEX_API_KEY): every turn carried it.
    expect(s.responseRequests()).toHaveLength(2);
    // The usage the stand-in reported in response.completed, 100 in and 10 out per request:
    // codex names no model and no cost.
    expect(r.usage).toEqual({ inputTokens: 200, outputTokens: 20 });
  });

  it("passes the task's model and effort to codex, whose requests carry them", async () => {
    const s = await standIn([{ items: [{ type: "message", text: "Nothing to change." }] }]);
    const worktree = join(base, "worktree");
    mkdirSync(worktree);
    const [codex] = parseBackends("codex");

    const r = await runBackend(codex!, {
      worktree,
      prompt: "Say that nothing needs to change.",
      taskId: "model",
      taskKind: "implement",
      attemptDir: join(base, "logs", "model"),
      ioDir: join(base, "io"),
      isolation,
      network: true,
      timeoutMs: 120_000,
      model: "gpt-5.1-codex",
      effort: "high",
    });

    expect(r).toMatchObject({ ok: true, report: "Nothing to change." });
    expect(s.responseRequests()[0]?.body).toMatchObject({
      model: "gpt-5.1-codex",
      reasoning: { effort: "high" },
    });
    // codex says no model: the one it was given is the attempt's.
    expect(r.usage).toEqual({ inputTokens: 100, outputTokens: 10, model: "gpt-5.1-codex" });
  });

  it("fails an attempt where codex changes nothing and exits 0", async () => {
    await standIn([{ items: [{ type: "message", text: "All done." }] }]);

    const r = await runAttempt(options("t2"));

    expect(r).toMatchObject({
      ok: false,
      reason: "no-change",
      detail: "codex finished without changing any file",
    });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("answers as the planner, whose folder is not a git repository", async () => {
    const plan = '{"tasks":[{"id":"hello","title":"Hello file"}]}';
    const s = await standIn([{ items: [{ type: "message", text: plan }] }]);
    const ask = plannerAsk(
      plannerBackend("codex", parseBackends("codex")),
      join(base, "plan"),
      120_000,
      {
        isolation,
        network: (name) => name === "codex",
      },
    );

    expect(await ask("Plan the spec: a hello file.")).toBe(plan);
    expect(JSON.stringify(s.responseRequests()[0]?.body)).toContain("Plan the spec: a hello file.");
  });
});

// When OpenAI's API refuses or never answers, each attempt must fail (never count as done),
// saying which backend failed and why, and end on its own rather than retry forever.
// Each has a stand-in, a remote and an environment of its own, so they run side by side: most of
// their time is codex's retries or the attempt's time limit, spent waiting.
describe.concurrent("the codex preset when the model API fails", () => {
  it("fails the attempt when the API refuses the key (401)", async ({ expect, onTestFinished }) => {
    const { s, remote, options } = await apart(
      { status: 401, message: "Incorrect API key provided." },
      onTestFinished,
    );

    const r = await runAttempt(options("t401", { timeoutMs: 100_000 }));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(/^codex exited with 1: .*401/);
    expect(s.responseRequests().length).toBeGreaterThan(0);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails the attempt when the API keeps answering 429 with retry-after", async ({
    expect,
    onTestFinished,
  }) => {
    const { s, remote, options } = await apart(
      { status: 429, message: "Rate limit reached.", retryAfterSeconds: 1 },
      onTestFinished,
    );

    const r = await runAttempt(options("t429", { timeoutMs: 100_000 }));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(/^codex exited with 1: .*429/);
    expect(s.responseRequests().length).toBeGreaterThan(1);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails the attempt when the API never answers", async ({ expect, onTestFinished }) => {
    const { s, remote, options } = await apart({ hang: true }, onTestFinished);

    const r = await runAttempt(options("thang", { timeoutMs: 20_000 }));

    expect(r).toMatchObject({ ok: false, reason: "timeout" });
    expect(!r.ok && r.detail).toMatch(/^codex did not finish/);
    expect(s.responseRequests().length).toBeGreaterThan(0);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });
});

/** A stand-in answering every turn with `after`, with a remote and a key of the test's own. */
function apart(after: ScriptedTurn, onTestFinished: (fn: () => Promise<void>) => void) {
  const [codex] = parseBackends("codex");
  return ownAttempt(
    {
      backend: codex!,
      isolation,
      branch: BRANCH,
      verify: VERIFY,
      issue: 13,
      standIn: () => startOpenAiResponses({ apiKey: KEY, turns: [], after }),
      env: (s) => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: s.baseUrl }),
    },
    onTestFinished,
  );
}
