// The codex preset when OpenAI's API refuses or never answers: the real codex CLI in the real
// sandbox against the scripted stand-in. Each attempt must fail (never count as done), saying
// which backend failed and why, and end on its own rather than retry forever.

import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type OpenAiResponsesStandIn,
  type ScriptedTurn,
  startOpenAiResponses,
} from "../../src/sandbox/models/openaiResponses.js";
import { type AttemptOptions, runAttempt } from "../../src/worker/attempt.js";
import { parseBackends } from "../../src/worker/backends.js";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { fixedToken, Workspaces } from "../../src/worker/workspace.js";
import {
  identity,
  makeRemote,
  type Remote,
  remoteBranch,
  removeTempDirs,
  tempDir,
} from "../worker/gitFixtures.js";

const root = join(import.meta.dirname, "../..");
process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
const isolation = bwrapIsolation({ readOnly: [join(root, "node_modules/@openai")] });
const KEY = "sk-test-codex-failures-0123456789";
const BRANCH = "orchestrate/13-codex";

afterAll(removeTempDirs);

let base: string;
let remote: Remote;
let api: OpenAiResponsesStandIn | undefined;
beforeEach(() => {
  base = tempDir("orchestrate-codex-");
  remote = makeRemote(base);
  process.env.CODEX_API_KEY = KEY;
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.CODEX_API_KEY;
});

/** Every request gets the same answer, as a refusing or dead API gives. */
async function apiAnswering(turn: ScriptedTurn) {
  api = await startOpenAiResponses({ apiKey: KEY, turns: [], after: turn });
  process.env.OPENAI_BASE_URL = api.baseUrl;
  return api;
}

function options(taskId: string, overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  const [codex] = parseBackends("codex");
  return {
    workspaces: new Workspaces({ root: join(base, "workspaces"), identity }),
    repo: remote.repo,
    branch: BRANCH,
    tokens: fixedToken("ghs_CodexFailuresTestToken0123456789"),
    isolation,
    network: { agent: true, verify: false },
    taskKey: `13-${taskId}-a1`,
    backend: codex!,
    prompt: `# Work order for ${taskId}\n\nCreate hello.txt.\n`,
    taskId,
    taskKind: "implement",
    attemptDir: join(base, "logs", taskId),
    timeoutMs: 100_000,
    commitMessage: `Task ${taskId}`,
    killGraceMs: 500,
    ...overrides,
  };
}

describe("the codex preset when the model API fails", () => {
  it("fails the attempt when the API refuses the key (401)", async () => {
    const s = await apiAnswering({ status: 401, message: "Incorrect API key provided." });

    const r = await runAttempt(options("t401"));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(/^codex exited with 1: .*401/);
    expect(s.responseRequests().length).toBeGreaterThan(0);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails the attempt when the API keeps answering 429 with retry-after", async () => {
    const s = await apiAnswering({
      status: 429,
      message: "Rate limit reached.",
      retryAfterSeconds: 1,
    });

    const r = await runAttempt(options("t429"));

    expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
    expect(!r.ok && r.detail).toMatch(/^codex exited with 1: .*429/);
    expect(s.responseRequests().length).toBeGreaterThan(1);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("fails the attempt when the API never answers", async () => {
    const s = await apiAnswering({ hang: true });

    const r = await runAttempt(options("thang", { timeoutMs: 30_000 }));

    expect(r).toMatchObject({ ok: false, reason: "timeout" });
    expect(!r.ok && r.detail).toMatch(/^codex did not finish/);
    expect(s.responseRequests().length).toBeGreaterThan(0);
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });
});
