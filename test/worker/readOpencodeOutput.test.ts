// Reading `opencode run --format json`: the event lines below are opencode 1.18.33's own (taken
// from runs against the Responses API stand-in), shortened to the fields it is read for.

import { describe, expect, it } from "vitest";
import { readOpencodeOutput } from "../../src/worker/presets/readOpencodeOutput.js";

const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join("\n");
const stepStart = { type: "step_start", part: { type: "step-start" } };
const finish = (reason: string, cost: number, read = 0) => ({
  type: "step_finish",
  part: {
    type: "step-finish",
    reason,
    tokens: { total: 110, input: 100, output: 8, reasoning: 2, cache: { write: 0, read } },
    cost,
  },
});
const text = (t: string) => ({ type: "text", part: { type: "text", text: t } });
const tool = (name: string, state: object) => ({
  type: "tool_use",
  part: { type: "tool", tool: name, state },
});

describe("readOpencodeOutput", () => {
  it("takes the last step's text as the report and adds up every step's tokens and cost", () => {
    const out = readOpencodeOutput(
      lines(
        stepStart,
        text("Let me look."),
        tool("bash", { status: "completed", output: "VERIFY-OK\n" }),
        finish("tool-calls", 0.25, 40),
        stepStart,
        text("Created hello.txt."),
        finish("stop", 0.5),
      ),
    );

    expect(out).toEqual({
      report: "Created hello.txt.",
      usage: { inputTokens: 240, outputTokens: 20, costUsd: 0.75 },
    });
  });

  it("fails a run a rejected permission stopped, naming the tool", () => {
    const out = readOpencodeOutput(
      lines(
        stepStart,
        tool("bash", {
          status: "error",
          error: "The user rejected permission to use this specific tool call.",
        }),
        finish("tool-calls", 0.1),
      ),
    );

    expect(out.failure).toBe(
      "its permission rules refused a tool call (bash: The user rejected permission to use " +
        "this specific tool call.) and it stopped there; nothing may ask for permission in an " +
        "unattended run",
    );
  });

  it("does not fail a run that went on after a denied call and answered", () => {
    const denied =
      "The user has specified a rule which prevents you from using this specific tool call.";
    const out = readOpencodeOutput(
      lines(
        stepStart,
        tool("apply_patch", { status: "error", error: denied }),
        finish("tool-calls", 0),
        stepStart,
        text("Done another way."),
        finish("stop", 0),
      ),
    );

    expect(out.failure).toBeUndefined();
    expect(out.report).toBe("Done another way.");
  });

  it("fails a run whose last step was cut off, and one that printed no events", () => {
    expect(readOpencodeOutput(lines(stepStart, text("Half"), finish("length", 0))).failure).toBe(
      'its last step ended with "length", not with a final message',
    );
    expect(readOpencodeOutput("").failure).toBe(
      "it printed no step of work (no JSON events on stdout)",
    );
  });

  it("reports opencode's error event with the API's status and message", () => {
    const out = readOpencodeOutput(
      lines({
        type: "error",
        error: {
          name: "APIError",
          data: { message: "Incorrect API key provided.", statusCode: 401, isRetryable: false },
        },
      }),
    );

    expect(out.failure).toBe("it reported an error: APIError: 401: Incorrect API key provided.");
    expect(out.usage).toBeUndefined();
  });
});
