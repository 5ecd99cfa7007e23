// What the gemini preset reads from `gemini --output-format stream-json`: lines as gemini-cli
// 0.61 printed them against the Gemini API stand-in (timestamps and ids shortened).

import { describe, expect, it } from "vitest";
import { readGeminiStream } from "../../src/worker/presets/readGeminiStream.js";

const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join("\n");
const init = { type: "init", session_id: "s1", model: "gemini-2.5-pro" };
const stats = (models: Record<string, number>) => ({
  total_tokens: 438,
  input_tokens: 418,
  output_tokens: 20,
  cached: 0,
  input: 418,
  duration_ms: 123,
  tool_calls: 1,
  models: Object.fromEntries(
    Object.entries(models).map(([name, total]) => [name, { total_tokens: total }]),
  ),
});

describe("readGeminiStream", () => {
  it("takes the assistant's text after its last tool call as the report, and the result's tokens", () => {
    const stdout = lines(
      init,
      { type: "message", role: "user", content: "# Work order" },
      { type: "message", role: "assistant", content: "Writing the file.", delta: true },
      { type: "tool_use", tool_name: "write_file", tool_id: "w1", parameters: {} },
      { type: "tool_result", tool_id: "w1", status: "success" },
      { type: "message", role: "assistant", content: "Created ", delta: true },
      { type: "message", role: "assistant", content: "hello.txt.", delta: true },
      { type: "result", status: "success", stats: stats({ "gemini-2.5-pro": 438 }) },
    );
    expect(readGeminiStream(`Warning: 256-color support not detected.\n${stdout}\n`)).toEqual({
      report: "Created hello.txt.",
      usage: { inputTokens: 418, outputTokens: 20, model: "gemini-2.5-pro" },
    });
  });

  it("names the main model, not the router's, when init named an alias", () => {
    const stdout = lines(
      { ...init, model: "auto-gemini-3" },
      { type: "message", role: "assistant", content: "Done." },
      {
        type: "result",
        status: "success",
        stats: stats({ "gemini-3.5-flash-lite": 872, "gemini-3.1-pro-preview": 9000 }),
      },
    );
    expect(readGeminiStream(stdout).usage?.model).toBe("gemini-3.1-pro-preview");
  });

  it("makes an error result a failure with gemini's message, even after exit 0", () => {
    const stdout = lines(init, {
      type: "result",
      status: "error",
      error: {
        type: "unknown",
        message:
          "[API Error: Resource has been exhausted (e.g. check quota).\nSuggested retry after 1s.]",
      },
      stats: stats({ "gemini-2.5-pro": 0 }),
    });
    expect(readGeminiStream(stdout).failure).toBe(
      "[API Error: Resource has been exhausted (e.g. check quota). Suggested retry after 1s.]",
    );
  });

  it("makes a run that printed no result a failure", () => {
    expect(readGeminiStream(lines(init)).failure).toBe("gemini printed no result event");
    expect(readGeminiStream("").failure).toBe("gemini printed no result event");
  });
});
