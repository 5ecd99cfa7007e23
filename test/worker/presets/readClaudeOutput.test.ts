import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readClaudeOutput } from "../../../src/worker/presets/readClaudeOutput.js";

// What `claude -p --output-format json` (Claude Code 2.1.197) printed against the Messages API
// stand-in: a two-turn task on its default model, the same on claude-haiku-4-5 (--model), and
// a refused key (exit 1). Captured from the real CLI, not written by hand.
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/usage", name), "utf8");

describe("reading Claude Code's JSON result", () => {
  it("takes the final message as the report, every model's tokens and its own cost", () => {
    expect(readClaudeOutput(fixture("claude-result.stdout"))).toEqual({
      report: "Wrote a.txt.",
      // modelUsage counts the side question (a session title) the top-level usage leaves out.
      usage: {
        inputTokens: 43_078,
        outputTokens: 25,
        costUsd: 0.216015,
        // "claude-opus-4-8[1m]": the suffix is its context size, not part of the name.
        model: "claude-opus-4-8",
      },
    });
  });

  it("names the model it was given", () => {
    expect(readClaudeOutput(fixture("claude-model.stdout")).usage).toEqual({
      inputTokens: 62_654,
      outputTokens: 25,
      costUsd: 0.062779,
      model: "claude-haiku-4-5-20251001",
    });
  });

  it("reads an error as a failure in its own words, with what it spent", () => {
    const read = readClaudeOutput(fixture("claude-error.stdout"));
    expect(read.failure).toBe("Invalid API key · Fix external API key");
    expect(read.report).toBe("Invalid API key · Fix external API key");
    expect(read.usage).toMatchObject({ inputTokens: 540, outputTokens: 5 });
  });

  it("reads an error_* result's errors when it has no result text, even behind exit 0", () => {
    const line = JSON.stringify({
      type: "result",
      subtype: "error_max_turns",
      is_error: true,
      errors: ["Reached maximum number of turns (3)"],
      total_cost_usd: 0.01,
      usage: { input_tokens: 10, output_tokens: 2 },
    });
    expect(readClaudeOutput(`some warning\n${line}\n`)).toEqual({
      usage: { inputTokens: 10, outputTokens: 2, costUsd: 0.01 },
      failure: "Reached maximum number of turns (3)",
    });
  });

  it("reads nothing from output that holds no result", () => {
    expect(readClaudeOutput("")).toEqual({});
    expect(readClaudeOutput("Invalid API key\n{not json")).toEqual({});
  });
});
