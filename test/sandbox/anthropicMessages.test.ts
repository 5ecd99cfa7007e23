import { afterEach, describe, expect, it } from "vitest";
import {
  type AnthropicMessages,
  anthropicMessages,
} from "../../src/sandbox/models/anthropicMessages.js";

// The stand-in refuses what Anthropic's API refuses, so an agent that sent a broken request
// would fail here as it would against the real API; and it streams turns in the API's order.

const headers = { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "x" };
type ErrorBody = { error: { type: string; message: string } };
const valid = {
  model: "claude-test",
  max_tokens: 100,
  stream: true,
  tools: [{ name: "Write" }],
  messages: [{ role: "user", content: "hi" }],
};

describe("the Messages API stand-in", () => {
  let api: AnthropicMessages;
  afterEach(() => api.close());

  const post = (body: unknown, h: Record<string, string> = headers, path = "/v1/messages") =>
    fetch(`${api.url}${path}`, { method: "POST", headers: h, body: JSON.stringify(body) });

  it("refuses a request without a key, a model, max_tokens or messages, and unknown paths", async () => {
    api = await anthropicMessages([{ kind: "turn", text: "ok" }]);
    const { "x-api-key": _, ...keyless } = headers;
    const noKey = await post(valid, keyless);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as ErrorBody).error.type).toBe("authentication_error");
    for (const field of ["model", "max_tokens", "messages"]) {
      const { [field]: _, ...rest } = valid as Record<string, unknown>;
      const res = await post(rest);
      expect(res.status, field).toBe(400);
      expect(((await res.json()) as ErrorBody).error.message).toContain(field);
    }
    expect((await post({ ...valid, messages: [{ role: "tool", content: "x" }] })).status).toBe(400);
    expect((await post(valid, headers, "/v1/complete")).status).toBe(404);
    expect(api.requests.map((r) => r.answer)).toEqual([401, 400, 400, 400, 400, 404]);
  });

  it("streams a tool call, then the next turn once the conversation holds it", async () => {
    api = await anthropicMessages([
      { kind: "turn", toolCalls: [{ name: "Write", input: { file_path: "/a", content: "x" } }] },
      { kind: "turn", text: "done" },
    ]);
    const first = await (await post(valid)).text();
    const types = [...first.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(first).toContain('"stop_reason":"tool_use"');
    expect(first).toContain('"partial_json":"{\\"file_path\\":\\"/a\\",\\"content\\":\\"x\\"}"');
    const id = api.toolUses[0]?.id;
    const second = await post({
      ...valid,
      messages: [
        ...valid.messages,
        { role: "assistant", content: [{ type: "tool_use", id, name: "Write", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "written" }] },
      ],
    });
    const text = await second.text();
    expect(text).toContain('"text":"done"');
    expect(text).toContain('"stop_reason":"end_turn"');
    expect(api.toolResults()).toEqual([{ toolUseId: id, isError: false, text: "written" }]);
  });
});
