// The gemini preset end to end: the real gemini CLI (the pinned @google/gemini-cli
// devDependency), started by the worker's attempt in the real bubblewrap sandbox, its work
// committed and pushed to a real git remote. Only the Gemini API is replaced, at the HTTP
// border, by a scripted stand-in that records what gemini sends it.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type GeminiStandIn,
  type ScriptedTurn,
  startGeminiGenerateContent,
} from "../../src/sandbox/models/geminiGenerateContent.js";
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
// As an operator installs it: gemini on PATH, its package readable in the sandbox
// (ORCHESTRATE_SANDBOX_READ_ONLY), the network shared with it (ORCHESTRATE_SANDBOX_NETWORK).
// The bin folder too, as /usr/local/bin is: gemini's bundle imports its chunks relative to
// its real path, which only the symlink there leads to.
process.env.PATH = `${join(root, "node_modules/.bin")}:${process.env.PATH}`;
const isolation = bwrapIsolation({
  readOnly: [join(root, "node_modules/@google"), join(root, "node_modules/.bin")],
});
const KEY = "AIza-test-gemini-preset-0123456789";
const BRANCH = "orchestrate/14-gemini";
const VERIFY = "grep -q 'hello from gemini' hello.txt && echo VERIFY-OK";
const [gemini] = parseBackends("gemini");
// For the tests that wait out gemini's backoff or an attempt's time limit.
const HANG_GUARD = 120_000;

afterAll(removeTempDirs);

let base: string;
let remote: Remote;
let api: GeminiStandIn | undefined;
beforeEach(() => {
  base = tempDir("orchestrate-gemini-");
  remote = makeRemote(base);
  process.env.GEMINI_API_KEY = KEY;
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  delete process.env.GOOGLE_GEMINI_BASE_URL;
  delete process.env.GEMINI_API_KEY;
});

async function standIn(turns: ScriptedTurn[], after?: ScriptedTurn) {
  api = await startGeminiGenerateContent({ apiKey: KEY, turns, ...(after ? { after } : {}) });
  // gemini-cli's documented variable for another endpoint of the Gemini API.
  process.env.GOOGLE_GEMINI_BASE_URL = api.baseUrl;
  return api;
}

function options(taskId: string, overrides: Partial<AttemptOptions> = {}): AttemptOptions {
  const o = {
    backend: gemini!,
    base,
    remote,
    isolation,
    branch: BRANCH,
    verify: VERIFY,
    issue: 14,
  };
  return presetAttempt({ ...o, taskId }, overrides);
}

/** The scripted task: write the file, run the verify command (and look for a host file). */
function helloTurns(hostOnly: string): ScriptedTurn[] {
  const command = `${VERIFY}; test -e ${hostOnly} && echo HOST-VISIBLE || echo HOST-HIDDEN`;
  return [
    {
      parts: [
        { text: "Writing the file." },
        {
          functionCall: {
            name: "write_file",
            args: { file_path: "hello.txt", content: "hello from gemini\n" },
          },
        },
      ],
    },
    { parts: [{ functionCall: { name: "run_shell_command", args: { command } } }] },
    { parts: [{ text: "Created hello.txt; " }, { text: "the verify command passes." }] },
  ];
}

describe("the gemini preset with the real gemini CLI", () => {
  it("edits a file, runs the verify command in the sandbox, and its final message is the report", async () => {
    // A file of the worker's machine that the sandbox must not show.
    const hostOnly = join(base, "host-only.txt");
    writeFileSync(hostOnly, "secret\n");
    const s = await standIn(helloTurns(hostOnly));

    const r = await runAttempt(options("t1"));

    // The final message alone, not the text of earlier turns.
    expect(r).toMatchObject({ ok: true, report: "Created hello.txt; the verify command passes." });
    const sha = remoteBranch(remote, BRANCH);
    expect(r.ok && r.sha).toBe(sha);
    expect(git(remote.dir, "show", `${sha}:hello.txt`)).toBe("hello from gemini");
    // The verify command ran where gemini runs its commands, in the sandbox, and its output
    // went back to the model as the shell call's function response.
    const shell = s.functionResponses().find((f) => f.name === "run_shell_command");
    expect(JSON.stringify(shell?.response)).toContain("VERIFY-OK");
    expect(JSON.stringify(shell?.response)).toContain("HOST-HIDDEN");
    expect(s.functionResponses().map((f) => f.name)).toEqual(["write_file", "run_shell_command"]);
    // GEMINI_API_KEY reached gemini and went out as Google's header on every turn.
    expect(s.turnRequests()).toHaveLength(3);
    for (const q of s.requests) expect(q.headers["x-goog-api-key"]).toBe(KEY);
    // Nothing else of Google's was reached: usage statistics are off.
    for (const q of s.requests)
      expect(q.headers["x-gemini-api-privileged-user-id"]).toBeUndefined();
  });

  it("runs the task's model and reads the tokens gemini counted", async () => {
    const s = await standIn([{ parts: [{ text: "Nothing to do." }] }]);
    const worktree = tempDir("orchestrate-gemini-wt-");

    const r = await runBackend(gemini!, {
      worktree,
      prompt: "Say hello.",
      taskId: "usage",
      taskKind: "implement",
      attemptDir: join(base, "logs", "usage"),
      isolation,
      network: true,
      timeoutMs: 120_000,
      model: "gemini-2.5-flash",
    });

    expect(r).toMatchObject({ ok: true, report: "Nothing to do." });
    expect(s.turnRequests().map((q) => q.model)).toEqual(["gemini-2.5-flash"]);
    // The stand-in counts a quarter token per character of the contents, ten per part.
    expect(r.usage).toEqual({
      inputTokens: expect.any(Number),
      outputTokens: 10,
      model: "gemini-2.5-flash",
    });
    expect(r.usage?.inputTokens).toBeGreaterThan(0);
    expect(r.usage?.costUsd).toBeUndefined();
  });

  it("fails an attempt where gemini changes nothing and exits 0", async () => {
    await standIn([{ parts: [{ text: "All done." }] }]);

    const r = await runAttempt(options("t2"));

    expect(r).toMatchObject({
      ok: false,
      reason: "no-change",
      detail: "gemini finished without changing any file",
    });
    expect(remoteBranch(remote, BRANCH)).toBeNull();
  });

  it("answers as the planner, whose folder is not a git repository", async () => {
    const plan = '{"tasks":[{"id":"hello","title":"Hello file"}]}';
    const s = await standIn([{ parts: [{ text: plan }] }]);
    const ask = plannerAsk(
      plannerBackend("gemini", parseBackends("gemini")),
      join(base, "plan"),
      120_000,
      {
        isolation,
        network: (name) => name === "gemini",
      },
    );

    expect(await ask("Plan the spec: a hello file.")).toBe(plan);
    expect(JSON.stringify(s.turnRequests()[0]?.body)).toContain("Plan the spec: a hello file.");
  });
});

// When the Gemini API refuses or never answers, each attempt must fail (never count as done),
// saying which backend failed and why, and end on its own rather than retry forever.
// Each has a stand-in, a remote and an environment of its own, so they run side by side: most of
// their time is gemini's backoff or the attempt's time limit, spent waiting.
describe.concurrent("the gemini preset when the model API fails or is out of reach", () => {
  // gemini exits with the HTTP status (401 → 145, 403 → 147), which is no signal here.
  it.for([
    { status: 401, exit: 145, message: "API key not valid. Please pass a valid API key." },
    { status: 403, exit: 147, message: "Permission denied: Consumer has been suspended." },
  ])(
    "fails the attempt when the API refuses the key ($status)",
    async ({ status, exit, message }, { expect, onTestFinished }) => {
      const { s, remote, options } = await apart({ status, message }, onTestFinished);

      const r = await runAttempt(options(`t${status}`, { timeoutMs: 100_000 }));

      expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
      expect(!r.ok && r.detail.split("\n")[0]).toBe(
        `gemini exited with ${exit}: [API Error: ${JSON.stringify({ error: { code: status, message, status: status === 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED" } })}]`,
      );
      // Not retried: a refused key does not get better.
      expect(s.turnRequests()).toHaveLength(1);
      expect(remoteBranch(remote, BRANCH)).toBeNull();
    },
  );

  it(
    "fails the attempt when the API keeps answering 429 with retry-after",
    async ({ expect, onTestFinished }) => {
      const { s, remote, options } = await apart(
        {
          status: 429,
          message: "Resource has been exhausted (e.g. check quota).",
          retryAfterSeconds: 1,
        },
        onTestFinished,
      );

      const r = await runAttempt(options("t429", { timeoutMs: 100_000 }));

      expect(r).toMatchObject({ ok: false, reason: "agent-failed" });
      expect(!r.ok && r.detail).toMatch(/^gemini exited with 173: .*Resource has been exhausted/);
      // Retried, but only as often as the preset allows (3 attempts, not gemini's 10).
      expect(s.turnRequests()).toHaveLength(3);
      expect(remoteBranch(remote, BRANCH)).toBeNull();
    },
    HANG_GUARD,
  );

  it(
    "fails the attempt when the API never answers",
    async ({ expect, onTestFinished }) => {
      const { s, remote, options } = await apart({ hang: true }, onTestFinished);

      const r = await runAttempt(options("thang", { timeoutMs: 20_000 }));

      expect(r).toMatchObject({ ok: false, reason: "timeout" });
      expect(!r.ok && r.detail).toMatch(/^gemini did not finish/);
      expect(s.turnRequests().length).toBeGreaterThan(0);
      expect(remoteBranch(remote, BRANCH)).toBeNull();
    },
    HANG_GUARD,
  );

  it(
    "keeps the key from a base URL that a repository's .gemini/.env names",
    async ({ expect, onTestFinished }) => {
      // The operator names no base URL; the repository's own gemini settings try to.
      const { s, dir, remote, options } = await apart(
        { parts: [{ text: "All done." }] },
        onTestFinished,
        { operatorBaseUrl: false },
      );
      const seed = join(dir, "widgets-seed");
      mkdirSync(join(seed, ".gemini"));
      writeFileSync(join(seed, ".gemini", ".env"), `GOOGLE_GEMINI_BASE_URL=${s.baseUrl}\n`);
      git(seed, "add", "-A");
      git(seed, "commit", "--quiet", "-m", "gemini settings");
      git(seed, "push", "--quiet", remote.dir, "HEAD:refs/heads/main");

      // Google's address is unreachable here: the attempt ends by its time limit.
      const r = await runAttempt(options("tenv", { timeoutMs: 20_000 }));

      expect(r.ok).toBe(false);
      expect(s.requests).toEqual([]);
    },
    HANG_GUARD,
  );
});

/**
 * A stand-in answering every turn with `after`, and a remote, a key and (unless not
 * `operatorBaseUrl`) the stand-in's address as the operator's base URL, all the test's own.
 */
function apart(
  after: ScriptedTurn,
  onTestFinished: (fn: () => Promise<void>) => void,
  { operatorBaseUrl = true } = {},
) {
  return ownAttempt(
    {
      backend: gemini!,
      isolation,
      branch: BRANCH,
      verify: VERIFY,
      issue: 14,
      standIn: () => startGeminiGenerateContent({ apiKey: KEY, turns: [], after }),
      env: (s): Record<string, string> =>
        operatorBaseUrl
          ? { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: s.baseUrl }
          : { GEMINI_API_KEY: KEY },
    },
    onTestFinished,
  );
}
