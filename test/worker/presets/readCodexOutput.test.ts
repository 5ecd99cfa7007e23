import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCodexOutput } from "../../../src/worker/presets/readCodexOutput.js";

// What `codex exec --json` (codex 0.171.0) printed against the Responses API stand-in: a task
// of two requests (a patch, then a message), and a refused key (exit 1). Captured from the real
// CLI, not written by hand.
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/usage", name), "utf8");

describe("reading codex's JSON events", () => {
  it("takes the last agent message and the turn's tokens; codex names no model or cost", () => {
    expect(readCodexOutput(fixture("codex-events.stdout"))).toEqual({
      report: "Created hello.txt.",
      // Both requests of the turn: the stand-in reports 100 in and 10 out for each.
      usage: { inputTokens: 200, outputTokens: 20 },
    });
  });

  it("reads a failed turn as the failure, not its reconnect attempts", () => {
    const read = readCodexOutput(fixture("codex-failed.stdout"));
    expect(read.failure).toMatch(
      /^unexpected status 401 Unauthorized: Incorrect API key provided\./,
    );
    expect(read.usage).toBeUndefined();
  });

  it("adds up the usage of every turn", () => {
    const turn = (i: number, o: number) =>
      JSON.stringify({ type: "turn.completed", usage: { input_tokens: i, output_tokens: o } });
    expect(readCodexOutput(`${turn(5, 1)}\nnoise\n${turn(7, 2)}\n`).usage).toEqual({
      inputTokens: 12,
      outputTokens: 3,
    });
  });
});
