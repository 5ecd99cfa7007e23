import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type AssistantTurn, messageStream, type StreamUsage } from "./messageStream.js";

// A scripted stand-in for Anthropic's Messages API on a loopback port, for coding agents that
// speak it (Claude Code via ANTHROPIC_BASE_URL). A `POST /v1/messages` is answered with the
// script's step for the conversation's turn (the number of assistant messages it already holds,
// so a retried request gets the same step, and the last step serves every later turn): an
// assistant turn streamed as server-sent events, an error as Anthropic words it, or no answer at
// all. A step may be a function of the request (to name the agent's own directory, or to answer
// each task differently). Requests that offer no tools are the CLI's own side questions (a
// session title, asked for as JSON): they do not advance the script and get `side`'s answer,
// by default one that fills the requested JSON schema's string fields. Requests are refused the way the API refuses them (no key, no model,
// no max_tokens, no messages) and every one is recorded, so tests can read what the agent sent.

export type ScriptStep =
  | ({ kind: "turn" } & AssistantTurn)
  | {
      kind: "error";
      status: number;
      /** Anthropic's error type, e.g. authentication_error, rate_limit_error. */
      type: string;
      message: string;
      headers?: Record<string, string>;
    }
  /** Takes the request and never answers it. */
  | { kind: "hang" };

/** The part of a Messages request the script looks at. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: unknown;
  messages: Array<{ role: string; content: unknown }>;
  tools?: unknown[];
  output_config?: { format?: { type?: string; schema?: { required?: string[] } } };
  stream?: boolean;
}

export type Step = ScriptStep | ((request: MessagesRequest) => ScriptStep);

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1/messages?beta=true */
  url: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** What it was answered: the status, or "hang". */
  answer: number | "hang";
  /** When it arrived (ms since the epoch). */
  at: number;
  /** The tokens a streamed answer reported (message_start and message_delta usage). */
  usage?: StreamUsage | undefined;
}

export interface ToolResult {
  toolUseId: string;
  isError: boolean;
  /** The result's text (text blocks joined). */
  text: string;
}

export interface AnthropicMessages {
  /** Base URL for ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** Every tool_result the agent sent back, by the tool_use id the script gave it. */
  toolResults(): ToolResult[];
  /** The tool_use ids the stand-in handed out, in order, with the call they belong to. */
  toolUses: Array<{ id: string; name: string; input: Record<string, unknown> }>;
  close(): Promise<void>;
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message } });
}

/** Why the API would refuse this body (400 invalid_request_error), or null. */
function invalid(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return "the body must be a JSON object";
  const b = body as Record<string, unknown>;
  if (typeof b["model"] !== "string" || b["model"] === "") return "model: Field required";
  if (typeof b["max_tokens"] !== "number" || b["max_tokens"] < 1) {
    return "max_tokens: Field required";
  }
  const messages = b["messages"];
  if (!Array.isArray(messages) || messages.length === 0) return "messages: at least one message";
  for (const [i, m] of messages.entries()) {
    const role = (m as { role?: unknown }).role;
    const content = (m as { content?: unknown }).content;
    if (role !== "user" && role !== "assistant" && role !== "system") {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    if (typeof content !== "string" && !Array.isArray(content)) {
      return `messages.${i}.content: Input should be a string or a list of content blocks`;
    }
  }
  return null;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((c) => (c && typeof c === "object" && "text" in c ? String(c.text) : ""))
    .join("\n");
}

/** All the text of a request: its system prompt, then every message, in order. */
export function requestText(request: MessagesRequest): string {
  return [textOf(request.system), ...request.messages.map((m) => textOf(m.content))].join("\n");
}

/** A side question's answer: JSON with every required field "scripted" when JSON is asked. */
function sideAnswer(request: MessagesRequest): ScriptStep {
  const format = request.output_config?.format;
  if (format?.type !== "json_schema") return { kind: "turn", text: "scripted" };
  const fields = format.schema?.required ?? [];
  return {
    kind: "turn",
    text: JSON.stringify(Object.fromEntries(fields.map((f) => [f, "scripted"]))),
  };
}

export async function anthropicMessages(
  script: Step[],
  o: { side?: (request: MessagesRequest) => ScriptStep } = {},
): Promise<AnthropicMessages> {
  if (script.length === 0) throw new Error("anthropicMessages: the script has no steps");
  const requests: RecordedRequest[] = [];
  const toolUses: AnthropicMessages["toolUses"] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  const pick = (request: MessagesRequest): ScriptStep => {
    if ((request.tools ?? []).length === 0) return (o.side ?? sideAnswer)(request);
    const turn = request.messages.filter((m) => m.role === "assistant").length;
    const chosen = script[Math.min(turn, script.length - 1)]!;
    return typeof chosen === "function" ? chosen(request) : chosen;
  };

  const answer = (res: ServerResponse, rec: RecordedRequest, status: number, body: string) => {
    rec.answer = status;
    res.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_${randomBytes(12).toString("hex")}`,
    });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: unknown = raw;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      // kept as text: the check below refuses it
    }
    const rec: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body,
      answer: 0,
      at: Date.now(),
    };
    requests.push(rec);
    const path = (req.url ?? "").split("?")[0];
    if (
      req.method !== "POST" ||
      (path !== "/v1/messages" && path !== "/v1/messages/count_tokens")
    ) {
      answer(res, rec, 404, errorBody("not_found_error", "Not found"));
      return;
    }
    if (!req.headers["x-api-key"] && !req.headers.authorization) {
      answer(res, rec, 401, errorBody("authentication_error", "x-api-key header is required"));
      return;
    }
    const why = invalid(body);
    if (why !== null) {
      answer(res, rec, 400, errorBody("invalid_request_error", why));
      return;
    }
    const request = body as MessagesRequest;
    const inputTokens = Math.ceil(raw.length / 4);
    if (path === "/v1/messages/count_tokens") {
      answer(res, rec, 200, JSON.stringify({ input_tokens: inputTokens }));
      return;
    }
    let next: ScriptStep;
    try {
      next = pick(request);
    } catch (error) {
      // A script that cannot answer is the test's bug: said to the agent and to the test.
      answer(res, rec, 500, errorBody("api_error", `script failed: ${(error as Error).message}`));
      return;
    }
    if (next.kind === "hang") {
      rec.answer = "hang";
      return;
    }
    if (next.kind === "error") {
      rec.answer = next.status;
      res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
      res.end(errorBody(next.type, next.message));
      return;
    }
    if (request.stream !== true) {
      // Claude Code streams; a stand-in that also spoke the other shape would hide a change.
      answer(res, rec, 400, errorBody("invalid_request_error", "the stand-in streams only"));
      return;
    }
    sequence++;
    const ids = {
      message: `msg_${sequence}`,
      tools: (next.toolCalls ?? []).map((_, i) => `toolu_${sequence}_${i}`),
    };
    (next.toolCalls ?? []).forEach((call, i) => {
      toolUses.push({ id: ids.tools[i]!, name: call.name, input: call.input });
    });
    rec.answer = 200;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const streamed = messageStream(next, request.model, ids, inputTokens);
    rec.usage = streamed.usage;
    res.end(streamed.body);
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
    url: `http://127.0.0.1:${port}`,
    requests,
    toolUses,
    toolResults() {
      const found = new Map<string, ToolResult>();
      for (const r of requests) {
        const messages = (r.body as { messages?: unknown[] } | undefined)?.messages ?? [];
        for (const m of messages as Array<{ role?: string; content?: unknown }>) {
          if (m.role !== "user" || !Array.isArray(m.content)) continue;
          for (const block of m.content as Array<Record<string, unknown>>) {
            if (block["type"] !== "tool_result") continue;
            const id = String(block["tool_use_id"]);
            found.set(id, {
              toolUseId: id,
              isError: block["is_error"] === true,
              text: textOf(block["content"]),
            });
          }
        }
      }
      return [...found.values()];
    },
    async close() {
      // Hung requests hold their sockets open; close() would wait on them for good.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
