import type { IncomingMessage, Server } from "node:http";

/**
 * Times every webhook delivery from the moment the request arrives to the moment its answer is
 * sent — what GitHub waits for (10 s at most) — without touching Probot's handler chain: a
 * listener put before Probot's own on the HTTP server.
 */
export function observeWebhooks(
  http: Server,
  webhookPath: string,
  observe: (event: string, status: number, seconds: number) => void,
): void {
  http.prependListener("request", (req: IncomingMessage, res) => {
    if (req.method !== "POST" || req.url?.split("?")[0] !== webhookPath) return;
    const start = process.hrtime.bigint();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      observe(eventLabel(req, res.statusCode), res.statusCode, seconds);
    });
  });
}

/**
 * The `X-GitHub-Event` name, once a 2xx shows the delivery's signature was good; anything else
 * is `unverified`, so unsigned requests cannot invent label values without bound.
 */
function eventLabel(req: IncomingMessage, status: number): string {
  const event = req.headers["x-github-event"];
  if (status < 200 || status >= 300 || typeof event !== "string") return "unverified";
  return /^[a-z_]{1,64}$/.test(event) ? event : "unverified";
}
