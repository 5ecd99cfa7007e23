// One assistant turn as the Messages API streams it (server-sent events): message_start, a
// content block per text or tool call (start, delta, stop), message_delta with the stop reason
// and usage, message_stop. Tool inputs arrive as input_json_delta, as Anthropic sends them.
// Usage is where the API reports it: input tokens (and the cache's) in message_start, the
// turn's output tokens, cumulative, in message_delta.

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface AssistantTurn {
  /** Text before the tool calls (or the whole answer when there are none). */
  text?: string;
  toolCalls?: ToolCall[];
}

export interface StreamIds {
  message: string;
  /** One id per tool call, in order: `toolu_…`. */
  tools: string[];
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** The tokens a streamed turn reported, as the API counts them. */
export interface StreamUsage {
  input_tokens: number;
  output_tokens: number;
}

export function messageStream(
  turn: AssistantTurn,
  model: string,
  ids: StreamIds,
  inputTokens: number,
): { body: string; usage: StreamUsage } {
  const calls = turn.toolCalls ?? [];
  const out: string[] = [];
  out.push(
    event("message_start", {
      message: {
        id: ids.message,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    }),
  );
  let index = 0;
  let outputTokens = 0;
  if (turn.text !== undefined) {
    out.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
    out.push(
      event("content_block_delta", { index, delta: { type: "text_delta", text: turn.text } }),
    );
    out.push(event("content_block_stop", { index }));
    outputTokens += Math.ceil(turn.text.length / 4);
    index++;
  }
  calls.forEach((call, i) => {
    const json = JSON.stringify(call.input);
    out.push(
      event("content_block_start", {
        index,
        content_block: { type: "tool_use", id: ids.tools[i], name: call.name, input: {} },
      }),
    );
    out.push(
      event("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: json },
      }),
    );
    out.push(event("content_block_stop", { index }));
    outputTokens += Math.ceil(json.length / 4);
    index++;
  });
  out.push(
    event("message_delta", {
      delta: { stop_reason: calls.length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
  );
  out.push(event("message_stop", {}));
  return { body: out.join(""), usage: { input_tokens: inputTokens, output_tokens: outputTokens } };
}
