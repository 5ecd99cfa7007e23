// A scripted stand-in of the Gemini API (generativelanguage.googleapis.com) at the HTTP border,
// as gemini-cli calls it through GOOGLE_GEMINI_BASE_URL: a loopback server that answers
// `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` with one scripted turn per request
// (function calls and text, streamed as server-sent events), and records every request so a
// test can read what the CLI sent back (the functionResponse parts above all). The CLI's side
// questions (`:generateContent`, e.g. its next-speaker check) get `side`'s answer and
// `:countTokens` a count; they do not advance the script. Requests are refused as Google
// refuses them (no key, an unknown method, contents that break the documented shape, a
// function call answered by no functionResponse), with Google's error body.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A part of a model turn: text, or a call of one of the CLI's tools. */
export type ModelPart = { text: string } | { functionCall: { name: string; args: object } };

/** One answer to one request: a streamed model turn, an HTTP error, or no answer at all. */
export type ScriptedTurn =
  | { parts: ModelPart[] }
  | { status: number; message: string; retryAfterSeconds?: number }
  | { hang: true };

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse */
  url: string;
  /** The model named in the path, and the method after its colon. */
  model: string;
  rpc: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON body (undefined when it did not parse). */
  body: unknown;
  /** Which scripted turn answered it (-1: rejected, or a side question). */
  turn: number;
  /** The status it was answered with, or "hang". */
  answer: number | "hang";
}

export interface FunctionResponse {
  name: string;
  id?: string;
  response: unknown;
}

export interface GeminiStandIn {
  /** Base URL for GOOGLE_GEMINI_BASE_URL (the SDK adds /v1beta/models/...). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests that reached the script (valid streamGenerateContent calls). */
  turnRequests(): RecordedRequest[];
  /** Every functionResponse part the CLI sent back, in order, once each. */
  functionResponses(): FunctionResponse[];
  close(): Promise<void>;
}

export interface GeminiStandInOptions {
  /** The key a client must send as `x-goog-api-key`. */
  apiKey: string;
  turns: ScriptedTurn[];
  /** The answer once the turns are used up (default: a 500 saying so). */
  after?: ScriptedTurn;
  /** The text answering a side question (`:generateContent`); default a JSON object. */
  side?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
const PART_FIELDS = [
  "text",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "executableCode",
  "codeExecutionResult",
];

export async function startGeminiGenerateContent(o: GeminiStandInOptions): Promise<GeminiStandIn> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let next = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const [path = "", query = ""] = (req.url ?? "").split("?");
    const m = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
    const rec: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      model: m?.[1] ?? "",
      rpc: m?.[2] ?? "",
      headers: req.headers,
      body,
      turn: -1,
      answer: 0,
    };
    requests.push(rec);
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
      rec.answer = status;
      error(res, status, message, headers);
    };
    const rpcs = ["streamGenerateContent", "generateContent", "countTokens"];
    if (req.method !== "POST" || !m || !rpcs.includes(rec.rpc)) {
      return fail(404, `Method not found: ${req.method} ${path}`);
    }
    // Google's answers: no key is a 403, a wrong one a 400 (not a 401).
    const key = req.headers["x-goog-api-key"];
    if (!key) {
      return fail(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key !== o.apiKey) return fail(400, "API key not valid. Please pass a valid API key.");
    const problem = invalidBody(body);
    if (problem) return fail(400, problem);
    const contents = (body as { contents: Content[] }).contents;
    if (rec.rpc === "countTokens") {
      rec.answer = 200;
      return json(res, { totalTokens: Math.ceil(text.length / 4) });
    }
    if (rec.rpc === "generateContent") {
      rec.answer = 200;
      const answer = o.side ?? sideAnswer(body);
      return json(res, response([{ text: answer }], rec.model, text.length));
    }
    if (query.split("&").indexOf("alt=sse") < 0) {
      return fail(400, "This stand-in streams only as server-sent events (alt=sse).");
    }
    rec.turn = next;
    const turn = o.turns[next++] ?? o.after;
    if (!turn) return fail(500, "the script has no more turns");
    if ("hang" in turn) {
      rec.answer = "hang";
      return;
    }
    if ("status" in turn) {
      const headers: Record<string, string> = turn.retryAfterSeconds
        ? { "retry-after": `${turn.retryAfterSeconds}` }
        : {};
      return fail(turn.status, turn.message, headers);
    }
    rec.answer = 200;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    // One event per part, as the API streams a turn in chunks; usage and the finish reason on
    // the last one.
    turn.parts.forEach((part, i) => {
      const last = i === turn.parts.length - 1;
      const chunk = response([part], rec.model, last ? JSON.stringify(contents).length : 0);
      if (!last) {
        delete (chunk.candidates[0] as Record<string, unknown>)["finishReason"];
        delete (chunk as Record<string, unknown>)["usageMetadata"];
      }
      res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
    });
    res.end();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    turnRequests: () => requests.filter((r) => r.turn >= 0),
    functionResponses: () => functionResponses(requests),
    close: async () => {
      // Hung requests hold their sockets open; close() would wait on them for good.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Content {
  role?: unknown;
  parts?: unknown;
}

/** What the Gemini API itself answers 400 to, in its words where they are known. */
function invalidBody(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return "Invalid JSON payload received.";
  const contents = (body as { contents?: unknown }).contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return "* GenerateContentRequest.contents: contents is not specified";
  }
  for (const [i, c] of (contents as Content[]).entries()) {
    if (c.role !== "user" && c.role !== "model") {
      return `* GenerateContentRequest.contents[${i}].role: Please use a valid role: user, model.`;
    }
    if (!Array.isArray(c.parts) || c.parts.length === 0) {
      return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    }
    for (const [j, p] of (c.parts as Array<Record<string, unknown>>).entries()) {
      const data = PART_FIELDS.filter((f) => p && typeof p === "object" && f in p);
      if (data.length !== 1) {
        return `* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field`;
      }
    }
  }
  return unansweredCall(contents as WireContent[]);
}

/** A content as checked: a role, and parts that may call a function or answer one. */
interface WireContent {
  role: string;
  parts: Array<{ functionCall?: { name?: string }; functionResponse?: { name?: string } }>;
}

/** Every model turn's function calls must be answered, one functionResponse each, next turn. */
function unansweredCall(contents: WireContent[]): string | null {
  for (const [i, c] of contents.entries()) {
    const calls = c.parts.flatMap((p) => (p.functionCall ? [p.functionCall] : []));
    if (c.role !== "model" || calls.length === 0) continue;
    const reply = contents[i + 1];
    if (!reply) continue; // the call is the last turn: the client is not answering yet
    const answers = reply.parts.flatMap((p) => (p.functionResponse ? [p.functionResponse] : []));
    const names = (xs: Array<{ name?: string }>) =>
      xs
        .map((x) => x.name)
        .sort()
        .join(",");
    if (
      reply.role !== "user" ||
      answers.length !== calls.length ||
      names(answers) !== names(calls)
    ) {
      return (
        "Please ensure that the number of function response parts is equal to the number of " +
        "function call parts of the function call turn."
      );
    }
  }
  return null;
}

/**
 * A side question's answer: the CLI asks its router and its checks for JSON of a schema, so
 * every required field is filled by its type ("user" where it is a choice of speakers).
 */
function sideAnswer(body: unknown): string {
  const config = (body as { generationConfig?: Record<string, unknown> }).generationConfig ?? {};
  const schema = (config["responseJsonSchema"] ?? config["responseSchema"]) as
    | { properties?: Record<string, { type?: string; enum?: string[] }>; required?: string[] }
    | undefined;
  if (!schema) return "scripted";
  const value = (p: { type?: string; enum?: string[] } = {}): unknown => {
    if (p.enum) return p.enum.includes("user") ? "user" : p.enum[0];
    const type = (p.type ?? "string").toLowerCase();
    if (type === "integer" || type === "number") return 1;
    if (type === "boolean") return false;
    return "scripted";
  };
  const fields = schema.required ?? [];
  return JSON.stringify(Object.fromEntries(fields.map((f) => [f, value(schema.properties?.[f])])));
}

function response(parts: ModelPart[], model: string, promptChars: number) {
  const candidatesTokenCount = 10 * parts.length;
  const promptTokenCount = Math.ceil(promptChars / 4);
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount,
      candidatesTokenCount,
      totalTokenCount: promptTokenCount + candidatesTokenCount,
    },
    modelVersion: model,
    responseId: `resp-${Math.random().toString(36).slice(2, 12)}`,
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

/** Google's error body: `{error: {code, message, status}}`, with RetryInfo on a 429. */
function error(
  res: ServerResponse,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const retry = headers["retry-after"];
  const details = retry
    ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retry}s` }]
    : undefined;
  res.writeHead(code, { "content-type": "application/json; charset=UTF-8", ...headers });
  const status = STATUS_NAMES[code] ?? (code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
  res.end(JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }));
}

function functionResponses(requests: RecordedRequest[]): FunctionResponse[] {
  const seen = new Map<string, FunctionResponse>();
  for (const r of requests) {
    const contents = (r.body as { contents?: Content[] } | undefined)?.contents ?? [];
    for (const c of contents) {
      if (!Array.isArray(c.parts)) continue;
      for (const p of c.parts as Array<{ functionResponse?: FunctionResponse }>) {
        const f = p.functionResponse;
        if (f) seen.set(`${f.id ?? ""}|${f.name}|${JSON.stringify(f.response)}`, f);
      }
    }
  }
  return [...seen.values()];
}
