// The Responses API stand-in refuses what OpenAI would refuse, so a client that sends the wrong
// key, path or body fails against it as it would against the real API.

import { afterEach, describe, expect, it } from "vitest";
import {
  type OpenAiResponsesStandIn,
  startOpenAiResponses,
} from "../../src/sandbox/models/openaiResponses.js";

const KEY = "sk-test-stand-in";
const valid = { model: "gpt-test", stream: true, input: [] };
let api: OpenAiResponsesStandIn | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function post(body: unknown, key = KEY, path = "/responses") {
  const res = await fetch(`${api!.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("the OpenAI Responses API stand-in", () => {
  it("streams a scripted turn as server-sent events ending in response.completed", async () => {
    api = await startOpenAiResponses({
      apiKey: KEY,
      turns: [{ items: [{ type: "message", text: "hi there" }] }],
    });
    const r = await post(valid);
    expect(r.status).toBe(200);
    const events = [...r.text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(r.text).toContain('"text":"hi there"');
  });

  it("refuses a wrong key, another path and a body without model, input or stream", async () => {
    api = await startOpenAiResponses({ apiKey: KEY, turns: [] });
    expect((await post(valid, "sk-wrong")).status).toBe(401);
    expect((await post(valid, KEY, "/models")).status).toBe(404);
    expect((await post({ ...valid, model: undefined })).status).toBe(400);
    expect((await post({ ...valid, input: "text" })).status).toBe(400);
    expect((await post({ ...valid, stream: false })).status).toBe(400);
    // None of them used up a scripted turn.
    expect(api.responseRequests()).toEqual([]);
    expect(api.requests).toHaveLength(5);
  });

  it("answers a scripted error with its status and retry-after", async () => {
    api = await startOpenAiResponses({
      apiKey: KEY,
      turns: [{ status: 429, message: "Rate limit reached.", retryAfterSeconds: 7 }],
    });
    const res = await fetch(`${api.baseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify(valid),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toMatchObject({ error: { type: "rate_limit_exceeded" } });
  });
});
