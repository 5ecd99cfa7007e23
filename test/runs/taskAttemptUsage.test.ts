import { describe, expect, it } from "vitest";
import { cancelAttempt, completeAttempt, failedAttempt } from "../../src/runs/taskAttempt.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// What a task's attempts spent is summed over every way an attempt ends: a failed agent and a
// stopped one used their tokens too. The model shown is the last attempt's.
describe("a task's usage over its attempts", () => {
  const run = runRecord();
  const now = "2025-03-01T10:10:00.000Z";

  it("adds a failed attempt's tokens to the next one's, with the last attempt's model", () => {
    const first = failedAttempt(taskRecord("t", { status: "in_progress", attempts: 1 }), run, {
      attempt: 1,
      detail: "agent-failed",
      backend: "claude",
      fatal: false,
      usage: { inputTokens: 1_000, outputTokens: 100, costUsd: 0.25, model: "claude-opus-4-8" },
    });
    expect(first).toMatchObject({ status: "pending", lastModel: "claude-opus-4-8" });
    const second = completeAttempt(
      { ...first, status: "in_progress", attempts: 2 },
      { attempt: 2 },
      {
        lastBackend: "codex",
        report: "done",
        now,
        usage: { inputTokens: 2_000, outputTokens: 300 },
      },
    );
    // codex's attempt had no cost and named no model: the dollars known stay, one is unpriced.
    expect(second?.usage).toEqual({
      inputTokens: 3_000,
      outputTokens: 400,
      costUsd: 0.25,
      unpriced: 1,
    });
    expect(second?.lastModel).toBeUndefined();
  });

  it("keeps the known cost of raced agents and counts the ones whose cost is unknown", () => {
    const raced = completeAttempt(
      taskRecord("t", { status: "in_progress", attempts: 1 }),
      { attempt: 1 },
      {
        lastBackend: "claude",
        report: "done",
        now,
        // claude priced its half; the codex racer's cost nobody knows.
        usage: { inputTokens: 30, outputTokens: 3, costUsd: 0.1, model: "x", unpriced: 1 },
      },
    );
    expect(raced?.usage).toEqual({ inputTokens: 30, outputTokens: 3, costUsd: 0.1, unpriced: 1 });
  });

  it("counts a stopped attempt's tokens, and leaves a task without usage alone", () => {
    const running = taskRecord("t", { status: "in_progress", attempts: 1 });
    const stopped = cancelAttempt(
      running,
      { attempt: 1 },
      {
        now,
        usage: { inputTokens: 5, outputTokens: 1, costUsd: 0.001, model: "gpt-5" },
      },
    );
    expect(stopped).toMatchObject({
      status: "cancelled",
      usage: { inputTokens: 5, outputTokens: 1, costUsd: 0.001 },
      lastModel: "gpt-5",
    });
    expect(cancelAttempt(running, { attempt: 1 }, { now })?.usage).toBeUndefined();
  });
});
