// The Gemini API stand-in refuses what Google would refuse, so a client that sends the wrong
// key, path or contents fails against it as it would against the real API.

import { afterEach, describe, expect, it } from "vitest";
import {
  type GeminiStandIn,
  startGeminiGenerateContent,
} from "../../src/sandbox/models/geminiGenerateContent.js";

const KEY = "AIza-test-stand-in";
const STREAM = "/v1beta/models/gemini-test:streamGenerateContent?alt=sse";
const user = (text: string) => ({ role: "user", parts: [{ text }] });
const valid = { contents: [user("hi")] };
let api: GeminiStandIn | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function post(body: unknown, o: { key?: string | null; path?: string } = {}) {
  const key = o.key === undefined ? KEY : o.key;
  const res = await fetch(`${api!.baseUrl}${o.path ?? STREAM}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "x-goog-api-key": key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The JSON of each `data:` event of a server-sent stream (read as the tests read it). */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk the events' JSON freely
function events(text: string): Array<Record<string, any>> {
  return [...text.matchAll(/^data: (.*)\r\n\r\n/gm)].map((m) => JSON.parse(m[1]!));
}

describe("the Gemini API stand-in", () => {
  it("streams a scripted turn of a function call and text, usage on the last event", async () => {
    api = await startGeminiGenerateContent({
      apiKey: KEY,
      turns: [
        {
          parts: [
            { text: "Reading it." },
            { functionCall: { name: "read_file", args: { file_path: "a.txt" } } },
          ],
        },
      ],
    });
    const r = await post(valid);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/event-stream");
    const [first, last] = events(r.text);
    expect(first?.candidates[0].content).toEqual({
      role: "model",
      parts: [{ text: "Reading it." }],
    });
    expect(first?.usageMetadata).toBeUndefined();
    expect(last?.candidates[0]).toMatchObject({
      content: { parts: [{ functionCall: { name: "read_file", args: { file_path: "a.txt" } } }] },
      finishReason: "STOP",
    });
    expect(last?.usageMetadata.candidatesTokenCount).toBeGreaterThan(0);
    expect(api.turnRequests()).toHaveLength(1);
    expect(api.turnRequests()[0]).toMatchObject({ model: "gemini-test", answer: 200 });
  });

  it("records the function responses the client sends back, and refuses a call left unanswered", async () => {
    api = await startGeminiGenerateContent({ apiKey: KEY, turns: [{ parts: [{ text: "ok" }] }] });
    const call = {
      role: "model",
      parts: [{ functionCall: { name: "run_shell_command", args: {} } }],
    };
    const unanswered = await post({ contents: [user("go"), call, user("and?")] });
    expect(unanswered.status).toBe(400);
    expect(JSON.parse(unanswered.text).error).toMatchObject({
      code: 400,
      status: "INVALID_ARGUMENT",
      message: expect.stringContaining("number of function response parts"),
    });
    const answer = {
      role: "user",
      parts: [{ functionResponse: { name: "run_shell_command", response: { output: "OK" } } }],
    };
    expect((await post({ contents: [user("go"), call, answer] })).status).toBe(200);
    expect(api.functionResponses()).toEqual([
      { name: "run_shell_command", response: { output: "OK" } },
    ]);
  });

  it("refuses no key, a wrong key, another method and contents out of shape", async () => {
    api = await startGeminiGenerateContent({ apiKey: KEY, turns: [] });
    expect((await post(valid, { key: null })).status).toBe(403);
    expect((await post(valid, { key: "AIza-wrong" })).status).toBe(400);
    expect((await post(valid, { path: "/v1beta/models/gemini-test:embed" })).status).toBe(404);
    expect((await post(valid, { path: STREAM.replace("?alt=sse", "") })).status).toBe(400);
    expect((await post({ contents: [] })).status).toBe(400);
    expect((await post({ contents: [{ role: "assistant", parts: [{ text: "x" }] }] })).status).toBe(
      400,
    );
    expect((await post({ contents: [{ role: "user", parts: [] }] })).status).toBe(400);
    expect((await post({ contents: [{ role: "user", parts: [{}] }] })).status).toBe(400);
    // None of them used up a scripted turn.
    expect(api.turnRequests()).toEqual([]);
    expect(api.requests).toHaveLength(8);
  });

  it("answers side questions by their JSON schema without advancing the script", async () => {
    api = await startGeminiGenerateContent({ apiKey: KEY, turns: [{ parts: [{ text: "main" }] }] });
    const schema = {
      type: "OBJECT",
      properties: {
        reasoning: { type: "STRING" },
        score: { type: "INTEGER" },
        next_speaker: { type: "STRING", enum: ["model", "user"] },
      },
      required: ["reasoning", "score", "next_speaker"],
    };
    const side = await post(
      { ...valid, generationConfig: { responseJsonSchema: schema } },
      { path: "/v1beta/models/gemini-lite:generateContent" },
    );
    expect(side.status).toBe(200);
    const text = JSON.parse(side.text).candidates[0].content.parts[0].text;
    expect(JSON.parse(text)).toEqual({ reasoning: "scripted", score: 1, next_speaker: "user" });
    const counted = await post(valid, { path: "/v1beta/models/gemini-test:countTokens" });
    expect(JSON.parse(counted.text).totalTokens).toBeGreaterThan(0);
    expect(events((await post(valid)).text)[0]?.candidates[0].content.parts).toEqual([
      { text: "main" },
    ]);
  });

  it("answers a scripted 429 as RESOURCE_EXHAUSTED with retry-after and RetryInfo", async () => {
    api = await startGeminiGenerateContent({
      apiKey: KEY,
      turns: [{ status: 429, message: "Resource has been exhausted.", retryAfterSeconds: 7 }],
    });
    const r = await post(valid);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(JSON.parse(r.text)).toEqual({
      error: {
        code: 429,
        message: "Resource has been exhausted.",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" }],
      },
    });
  });

  it("holds a request it is scripted never to answer until closed", async () => {
    api = await startGeminiGenerateContent({ apiKey: KEY, turns: [], after: { hang: true } });
    const pending = post(valid).catch((e: Error) => e);
    await expect.poll(() => api!.requests.length).toBe(1);
    expect(api.requests[0]?.answer).toBe("hang");
    await api.close();
    api = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
