import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicMessages,
  anthropicMessages,
  type MessagesRequest,
  requestText,
  type ScriptStep,
} from "../../src/sandbox/models/anthropicMessages.js";
import type { Harness } from "../e2e/harness.js";
import { branchLog, specOf, startRun } from "../e2e/helpers.js";
import { claudeHarness, useClaudeCode } from "./claudeEnv.js";

// When the model API fails the claude preset, the attempt fails — never a success — and says
// which backend and why, in bounded time. Each task meets its own failure: the stand-in tells
// them apart by the task id in the work order Claude Code sends.

const failures: Record<string, ScriptStep> = {
  auth: { kind: "error", status: 401, type: "authentication_error", message: "invalid x-api-key" },
  limited: {
    kind: "error",
    status: 429,
    type: "rate_limit_error",
    message: "Number of request tokens has exceeded your per-minute rate limit",
    headers: { "retry-after": "1" },
  },
  silent: { kind: "hang" },
  idle: { kind: "turn", text: "All done." },
};

function byTask(request: MessagesRequest): ScriptStep {
  const m = /You work on exactly one task, `([a-z]+)`/.exec(requestText(request));
  const step = m?.[1] ? failures[m[1]] : undefined;
  if (!step) throw new Error("no task named in the request");
  return step;
}

describe("the claude preset when the model API fails", () => {
  let h: Harness;
  let api: AnthropicMessages;
  let restore: () => void;

  beforeAll(async () => {
    api = await anthropicMessages([byTask], { side: byTask });
    // The preset's three retries, not Claude Code's ten (no CLAUDE_CODE_MAX_RETRIES here).
    restore = useClaudeCode(api.url);
    h = await claudeHarness("claude-fail", {
      env: {
        WORKER_CONCURRENCY: "4",
        // The cap on an API that never answers: the task's time limit (15 s here).
        TASK_TIMEOUT_MINUTES: "0.25",
      },
    });
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h?.close();
    await api?.close();
    restore?.();
  });

  it("fails the attempt naming claude and the cause: a refused key, a rate limit, no answer, no change", async () => {
    const started = Date.now();
    const issue = await startRun(
      h,
      specOf(
        Object.keys(failures).map(
          (id) => `  - { id: ${id}, group: ${id}, title: Task ${id}, description: Do ${id}. }`,
        ),
      ),
    );
    await h.settle();
    console.info(`claude failures: four tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const run = await h.run(issue);
    expect(run?.run.state).toBe("failed");
    const summary = (id: string) => {
      const task = run?.tasks.find((t) => t.id === id);
      expect(task?.status, `${id}: ${task?.report}`).toBe("failed");
      return (task?.report ?? "").split("\n")[0];
    };
    expect(summary("auth")).toBe(
      "agent-failed (attempt 1, backend claude): claude exited with 1: Invalid API key · Fix external API key",
    );
    expect(summary("limited")).toBe(
      "agent-failed (attempt 1, backend claude): claude exited with 1: API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit",
    );
    expect(summary("silent")).toBe(
      "timeout (attempt 1, backend claude): claude did not finish within 15000 ms",
    );
    expect(summary("idle")).toBe(
      "no-change (attempt 1, backend claude): claude finished without changing any file",
    );
    // Nothing was pushed for any of them.
    for (const id of Object.keys(failures))
      expect(branchLog(h, `orchestrate/${issue}-${id}`)).toEqual([]);
    // The rate limit was retried three times, as the preset allows, before it gave up.
    const limited = api.requests.filter(
      (r) => r.answer === 429 && (r.body as MessagesRequest).tools?.length,
    );
    expect(limited).toHaveLength(4);
  });
});

describe("the claude preset with the operator's API_TIMEOUT_MS", () => {
  let h: Harness;
  let api: AnthropicMessages;
  let restore: () => void;

  beforeAll(async () => {
    api = await anthropicMessages([{ kind: "hang" }], { side: () => ({ kind: "hang" }) });
    restore = useClaudeCode(api.url, { CLAUDE_CODE_MAX_RETRIES: "1", API_TIMEOUT_MS: "2000" });
    h = await claudeHarness("claude-timeout");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h?.close();
    await api?.close();
    restore?.();
  });

  it("gives up on a silent API by Claude Code's own request timeout, long before the task's", async () => {
    const issue = await startRun(
      h,
      specOf(["  - { id: silent, group: g, title: Silent, description: Do it. }"]),
    );
    await h.settle();
    const run = await h.run(issue);
    const task = run?.tasks.find((t) => t.id === "silent");
    expect(task?.status).toBe("failed");
    expect(task?.report?.split("\n")[0]).toBe(
      "agent-failed (attempt 1, backend claude): claude exited with 1: Request timed out",
    );
  });
});
