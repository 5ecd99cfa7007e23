// A scripted stand-in of OpenAI's Responses API, at the HTTP border: a loopback server that
// answers `POST /v1/responses` with the server-sent events a streamed response is made of, one
// scripted turn per request, and records every request so a test can read what the agent sent
// back (its tool outputs above all). Anything else gets OpenAI's 404, so an agent that needs an
// endpoint the stand-in lacks fails visibly instead of being served something made up.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An output item as the Responses API streams it (`id` is added when missing). */
export type ResponseItem =
  | { type: "message"; text: string }
  | { type: "function_call"; name: string; arguments: string; callId: string }
  | { type: "custom_tool_call"; name: string; input: string; callId: string };

/** One answer to one request: a streamed response, an HTTP error, or no answer at all. */
export type ScriptedTurn =
  | { items: ResponseItem[] }
  | { status: number; message: string; retryAfterSeconds?: number }
  | { hang: true };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON body (undefined when it did not parse). */
  body: unknown;
  /** Which scripted turn answered it (-1: rejected before the script). */
  turn: number;
}

export interface OpenAiResponsesStandIn {
  /** Base URL for an OpenAI client, ending in /v1. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests that reached the script (a valid `POST /v1/responses`). */
  responseRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export interface StandInOptions {
  /** The key a client must send as `Authorization: Bearer <key>`. */
  apiKey: string;
  turns: ScriptedTurn[];
  /** The answer to every request once the turns are used up (default: a 500 saying so). */
  after?: ScriptedTurn;
}

export async function startOpenAiResponses(o: StandInOptions): Promise<OpenAiResponsesStandIn> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const record: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        turn: -1,
      };
      requests.push(record);
      const path = (req.url ?? "").split("?")[0];
      if (req.method !== "POST" || path !== "/v1/responses") {
        return error(res, 404, `Invalid URL (${req.method} ${path})`, "invalid_request_error");
      }
      if (req.headers.authorization !== `Bearer ${o.apiKey}`) {
        return error(res, 401, "Incorrect API key provided.", "invalid_request_error");
      }
      const problem = invalidBody(body);
      if (problem) return error(res, 400, problem, "invalid_request_error");
      record.turn = next;
      const turn = o.turns[next++] ?? o.after;
      if (!turn) return error(res, 500, "the script has no more turns", "server_error");
      if ("hang" in turn) {
        hanging.add(res);
        return;
      }
      if ("status" in turn) {
        const headers: Record<string, string> = turn.retryAfterSeconds
          ? { "retry-after": `${turn.retryAfterSeconds}` }
          : {};
        return error(res, turn.status, turn.message, errorType(turn.status), headers);
      }
      stream(res, `resp_${record.turn}`, (body as { model: string }).model, turn.items);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    responseRequests: () => requests.filter((r) => r.turn >= 0),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the Responses API itself would refuse: the fields every streamed request carries. */
function invalidBody(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return "We could not parse the JSON body.";
  const b = body as Record<string, unknown>;
  if (typeof b["model"] !== "string" || b["model"] === "")
    return "Missing required parameter: 'model'.";
  if (!Array.isArray(b["input"])) return "Invalid type for 'input': expected an array.";
  if (b["stream"] !== true) return "This stand-in only answers streamed requests (stream: true).";
  return null;
}

function errorType(status: number): string {
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function error(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

function stream(res: ServerResponse, id: string, model: string, items: ResponseItem[]): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (data: Record<string, unknown>) => {
    res.write(`event: ${data["type"]}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const base = { id, object: "response", created_at: Math.floor(Date.now() / 1000), model };
  send({ type: "response.created", response: { ...base, status: "in_progress", output: [] } });
  const output = items.map((item, index) => {
    const full = wireItem(item, `${id}_item_${index}`);
    send({
      type: "response.output_item.added",
      output_index: index,
      item: { ...full, ...pending(full) },
    });
    if (item.type === "message") {
      send({
        type: "response.output_text.delta",
        item_id: full["id"],
        output_index: index,
        content_index: 0,
        delta: item.text,
      });
    }
    send({ type: "response.output_item.done", output_index: index, item: full });
    return full;
  });
  const usage = {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 10 * items.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 100 + 10 * items.length,
  };
  send({ type: "response.completed", response: { ...base, status: "completed", output, usage } });
  res.end();
}

function wireItem(item: ResponseItem, id: string): Record<string, unknown> {
  switch (item.type) {
    case "message":
      return {
        type: "message",
        id,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: item.text, annotations: [] }],
      };
    case "function_call":
      return {
        type: "function_call",
        id,
        status: "completed",
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
      };
    case "custom_tool_call":
      return {
        type: "custom_tool_call",
        id,
        status: "completed",
        call_id: item.callId,
        name: item.name,
        input: item.input,
      };
  }
}

/** How an item looks when output_item.added announces it: still in progress, no text yet. */
function pending(full: Record<string, unknown>): Record<string, unknown> {
  if (full["type"] === "message") return { status: "in_progress", content: [] };
  return { status: "in_progress" };
}

/** The output a later request carried back for a tool call (`*_call_output` with its call_id). */
export function toolOutput(requests: RecordedRequest[], callId: string): unknown {
  for (const r of requests) {
    const input = (r.body as { input?: unknown[] } | undefined)?.input ?? [];
    for (const item of input) {
      const i = item as { type?: string; call_id?: string; output?: unknown };
      if (i.call_id === callId && i.type?.endsWith("_call_output")) return i.output;
    }
  }
  return undefined;
}
