// The opencode preset end to end: the real opencode CLI (the pinned opencode-ai devDependency,
// a native binary), started by the worker's attempt in the real bubblewrap sandbox with its
// network on, its work committed and pushed to a real git remote. Only OpenAI's Responses API
// (what opencode's openai provider speaks) is replaced, at the HTTP border, by a scripted
// stand-in that records what opencode sends it; every other host opencode might try goes to a
// recording proxy that refuses it.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
import { type RecordingProxy, startRecordingProxy } from "./recordingProxy.js";

const root = join(import.meta.dirname, "../..");
// As an operator installs it: opencode on PATH, its package readable in the sandbox
// (ORCHESTRATE_SANDBOX_READ_ONLY), the network shared with it (ORCHESTRATE_SANDBOX_NETWORK).
process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
const isolation = bwrapIsolation({ readOnly: [join(root, "node_modules/opencode-ai")] });
const KEY = "sk-test-opencode-preset-0123456789";
const BRANCH = "orchestrate/14-opencode";
const VERIFY = "grep -q 'hello from opencode' hello.txt && echo VERIFY-OK";
const [opencode] = parseBackends("opencode");

let proxy: RecordingProxy;
beforeAll(async () => {
  proxy = await startRecordingProxy();
});
afterAll(async () => {
  await proxy.close();
  removeTempDirs();
});

let base: string;
let remote: Remote;
let api: OpenAiResponsesStandIn | undefined;
beforeEach(() => {
  base = tempDir("orchestrate-opencode-");
  remote = makeRemote(base);
  proxy.attempts.length = 0;
  process.env.OPENAI_API_KEY = KEY;
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_API_KEY;
});

async function standIn(turns: ScriptedTurn[], after?: ScriptedTurn) {
  api = await startOpenAiResponses({ apiKey: KEY, turns, ...(after ? { after } : {}) });
  // The operator's variable for every OpenAI client; the preset hands it to opencode's config.
  process.env.OPENAI_BASE_URL = api.baseUrl;
  return api;
}

/** The agent reaches loopback (the stand-in) directly and anything else only via the proxy. */
const viaProxy = () => ({
  HTTPS_PROXY: proxy.url,
  HTTP_PROXY: proxy.url,
  NO_PROXY: "127.0.0.1,localhost",
});

function options(taskId: string, overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  const o = {
    backend: opencode!,
    base,
    remote,
    isolation,
    branch: BRANCH,
    verify: VERIFY,
    issue: 14,
  };
  return presetAttempt({ ...o, taskId }, { extraEnv: viaProxy(), ...overrides });
}

const addHello: ScriptedTurn = {
  items: [
    {
      type: "function_call",
      name: "apply_patch",
      callId: "call_edit",
      arguments: JSON.stringify({
        patchText:
          "*** Begin Patch\n*** Add File: hello.txt\n+hello from opencode\n*** End Patch\n",
      }),
    },
  ],
};

function bash(callId: string, command: string): ScriptedTurn {
  return {
    items: [
      {
        type: "function_call",
        name: "bash",
        callId,
        arguments: JSON.stringify({ command, description: "Run a command" }),
      },
    ],
  };
}

// Generous hang guards: one opencode start takes seconds, many more on a loaded machine.
describe("the opencode preset with the real opencode CLI", { timeout: 180_000 }, () => {
  it("edits a file, runs the verify command in the sandbox, and its final message is the report", async () => {
    // A file of the worker's machine that the sandbox must not show.
    const hostOnly = join(base, "host-only.txt");
    writeFileSync(hostOnly, "secret\n");
    const s = await standIn([
      addHello,
      bash(
        "call_verify",
        `${VERIFY}; test -e ${hostOnly} && echo HOST-VISIBLE || echo HOST-HIDDEN`,
      ),
      { items: [{ type: "message", text: "Created hello.txt; the verify command passes." }] },
    ]);

    const r = await runAttempt(options("t1"));

    expect(r).toMatchObject({ ok: true, report: "Created hello.txt; the verify command passes." });
    const sha = remoteBranch(remote, BRANCH);
    expect(r.ok && r.sha).toBe(sha);
    expect(git(remote.dir, "show", `${sha}:hello.txt`)).toBe("hello from opencode");
    // The verify command ran where opencode runs its commands, in the sandbox, and its output
    // went back to the model as the tool's result.
    const output = JSON.stringify(toolOutput(s.requests, "call_verify"));
    expect(output).toContain("VERIFY-OK");
    expect(output).toContain("HOST-HIDDEN");
    // The work order arrived on stdin, as the user's message, and the key with every turn.
    expect(JSON.stringify(s.responseRequests()[0]?.body)).toContain("# Work order for t1");
    expect(s.responseRequests()).toHaveLength(3);
    // Only the operator's API: no title request to a "small model", no hosted model, nothing
    // through the proxy (no other host: models.dev, npm, opencode.ai).
    expect(s.responseRequests().map((q) => (q.body as { model: string }).model)).toEqual([
      "gpt-5.6-terra",
      "gpt-5.6-terra",
      "gpt-5.6-terra",
    ]);
    expect(proxy.attempts).toEqual([]);
  });

  it("reads the tokens and cost opencode counted, with the task's model and effort", async () => {
    const s = await standIn([{ items: [{ type: "message", text: "Nothing to change." }] }]);
    const dir = join(base, "plain");
    mkdirSync(dir);

    const r = await runBackend(opencode!, {
      worktree: dir,
      prompt: "Say what you would change.",
      taskId: "t-usage",
      taskKind: "implement",
      attemptDir: join(base, "logs", "usage"),
      ioDir: join(base, "io-usage"),
      isolation,
      network: true,
      timeoutMs: 120_000,
      killGraceMs: 500,
      extraEnv: viaProxy(),
      model: "openai/gpt-5.1",
      effort: "high",
    });

    expect(r).toMatchObject({ ok: true, report: "Nothing to change." });
    // The stand-in counts 100 input and 10 output tokens for a one-item turn; opencode prices
    // them from its model list.
    expect(r.usage).toMatchObject({ inputTokens: 100, outputTokens: 10 });
    expect(r.usage?.costUsd).toBeGreaterThan(0);
    expect(s.responseRequests()[0]?.body).toMatchObject({
      model: "gpt-5.1",
      reasoning: { effort: "high" },
    });
  });

  it("fails an attempt where opencode changes nothing and exits 0", async () => {
    await standIn([{ items: [{ type: "message", text: "All done." }] }]);

    const r = await runAttempt(options("t2"));

    expect(r).toMatchObject({
      ok: false,
      reason: "no-change",
      detail: "opencode finished without changing any file",
    });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails an attempt that a refused permission stopped, though opencode exits 0", async () => {
    // An operator's own rule that asks before the shell: `run` mode rejects it, and opencode
    // stops after the edit it already made, exit 0. That edit must not be pushed.
    const s = await standIn([addHello, bash("call_verify", VERIFY)], {
      items: [{ type: "message", text: "unreachable" }],
    });

    const r = await runAttempt(
      options("tperm", { extraEnv: { ...viaProxy(), OPENCODE_PERMISSION: '{"bash":"ask"}' } }),
    );

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(
      /^opencode ended without finishing its work: its permission rules refused a tool call \(bash: .*rejected permission/,
    );
    expect(s.responseRequests()).toHaveLength(2);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("answers as the planner, whose folder is not a git repository", async () => {
    const plan = '{"tasks":[{"id":"hello","title":"Hello file"}]}';
    const s = await standIn([{ items: [{ type: "message", text: plan }] }]);
    const ask = plannerAsk(
      plannerBackend("opencode", parseBackends("opencode")),
      join(base, "plan"),
      120_000,
      {
        isolation,
        network: (name) => name === "opencode",
      },
    );

    expect(await ask("Plan the spec: a hello file.")).toBe(plan);
    expect(JSON.stringify(s.responseRequests()[0]?.body)).toContain("Plan the spec: a hello file.");
  });
});

// When the operator's setup or OpenAI's API fails, each attempt must fail (never count as done),
// saying which backend failed and why, and end on its own rather than retry forever.
describe("the opencode preset when the model API fails", { timeout: 180_000 }, () => {
  it("fails, naming the variable to set, when no API key is configured, and tries no host", async () => {
    delete process.env.OPENAI_API_KEY;
    const s = await standIn([{ items: [{ type: "message", text: "from somewhere" }] }]);

    const r = await runAttempt(options("tnokey"));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(
      /^backend opencode: .*none is configured: set OPENAI_API_KEY in the worker's environment/,
    );
    expect(s.requests).toEqual([]);
    expect(proxy.attempts).toEqual([]);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });
});

// Each has a stand-in, a remote and an environment of its own, so they run side by side: most of
// their time is opencode's retries or the attempt's time limit, spent waiting.
describe.concurrent("the opencode preset when the model API refuses or never answers", {
  timeout: 180_000,
}, () => {
  it("fails the attempt when the API refuses the key (401)", async ({ expect, onTestFinished }) => {
    const { s, remote, options } = await apart(
      { status: 401, message: "Incorrect API key provided." },
      onTestFinished,
    );

    const r = await runAttempt(options("t401"));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(
      /^opencode exited with 1: it reported an error: .*401: Incorrect API key provided/,
    );
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

    const r = await runAttempt(options("t429"));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(
      /^opencode exited with 1: it reported an error: .*429: .*Rate limit reached/,
    );
    expect(s.responseRequests().length).toBeGreaterThan(1);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails the attempt when the API never answers", async ({ expect, onTestFinished }) => {
    const { s, remote, options } = await apart({ hang: true }, onTestFinished);

    const r = await runAttempt(options("thang", { timeoutMs: 20_000 }));

    expect(r).toMatchObject({ ok: false, reason: "timeout" });
    expect(!r.ok && r.detail).toMatch(/^opencode did not finish/);
    expect(s.responseRequests().length).toBeGreaterThan(0);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });
});

/** A stand-in answering every turn with `after`, with a remote and a key of the test's own. */
function apart(after: ScriptedTurn, onTestFinished: (fn: () => Promise<void>) => void) {
  return ownAttempt(
    {
      backend: opencode!,
      isolation,
      branch: BRANCH,
      verify: VERIFY,
      issue: 14,
      standIn: () => startOpenAiResponses({ apiKey: KEY, turns: [], after }),
      env: (s) => ({ ...viaProxy(), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: s.baseUrl }),
    },
    onTestFinished,
  );
}
