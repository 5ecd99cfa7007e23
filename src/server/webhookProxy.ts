// A webhook proxy client for development (smee.io, Probot's choice): GitHub delivers to a public
// channel, this reads the channel as server-sent events and replays each delivery, headers and
// body, to the local webhook endpoint. The body is re-serialised from the channel's JSON, as
// smee-client does; GitHub's compact JSON comes out byte for byte, so the signature holds.

export interface WebhookProxy {
  close(): void;
}

/** Headers that belong to the hop to the channel, not to GitHub's delivery. */
const HOP_HEADERS = new Set(["host", "content-length", "connection", "accept-encoding"]);

export function startWebhookProxy(o: {
  source: string;
  target: string;
  log: {
    info(meta: object, message: string): void;
    warn(meta: object, message: string): void;
  };
  /** how long to wait before reconnecting after the channel dropped */
  retryMs?: number;
}): WebhookProxy {
  const abort = new AbortController();
  const retryMs = o.retryMs ?? 5000;

  async function forward(data: string): Promise<void> {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (!("body" in event) || typeof event["x-github-event"] !== "string") return;
    const headers: Record<string, string> = { "content-type": "application/json" };
    for (const [name, value] of Object.entries(event)) {
      if (name === "body" || name === "query" || name === "timestamp") continue;
      if (HOP_HEADERS.has(name.toLowerCase()) || typeof value !== "string") continue;
      headers[name] = value;
    }
    const response = await fetch(o.target, {
      method: "POST",
      headers,
      body: JSON.stringify(event["body"]),
      signal: abort.signal,
    });
    await response.body?.cancel();
    o.log.info(
      {
        event: headers["x-github-event"],
        deliveryId: headers["x-github-delivery"],
        status: response.status,
      },
      "webhook forwarded from the proxy",
    );
  }

  async function listen(): Promise<void> {
    const response = await fetch(o.source, {
      headers: { accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) {
      throw new Error(`the webhook proxy answered ${response.status}`);
    }
    o.log.info({ source: o.source }, "reading webhooks from the proxy");
    const decoder = new TextDecoder();
    let buffer = "";
    let lines: string[] = [];
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end).replace(/\r$/, "");
        buffer = buffer.slice(end + 1);
        if (line !== "") {
          lines.push(line);
          continue;
        }
        // A blank line ends one event; only its data lines matter here.
        const data = lines
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).replace(/^ /, ""))
          .join("\n");
        lines = [];
        if (data !== "")
          await forward(data).catch((err) => o.log.warn({ err }, "could not forward a webhook"));
      }
    }
  }

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await listen();
      } catch (err) {
        if (abort.signal.aborted) return;
        o.log.warn({ err, source: o.source }, "the webhook proxy connection failed; reconnecting");
      }
      if (abort.signal.aborted) return;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  })();

  return { close: () => abort.abort() };
}
