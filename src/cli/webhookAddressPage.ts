import { createServer, type Server } from "node:http";

/** What to set before the App can be registered, as a line and as the page at `/`. */
export const WEBHOOK_ADDRESS_NEEDED =
  "Orchestrate is not registered with GitHub yet, and GitHub needs an address to send webhooks to. Stop this server and start it again with one of: PUBLIC_URL=https://your.host (production: the webhook URL becomes PUBLIC_URL + WEBHOOK_PATH), or WEBHOOK_PROXY_URL=<a channel from https://smee.io/new> (development: the server forwards from it). Then the page here registers the App.";

/**
 * Before registration, with no webhook address: a page that says what to set instead of
 * Probot's register button, which would register an App GitHub cannot deliver to.
 */
export function serveWebhookAddressPage(port: number, host: string): Promise<Server> {
  const body = [
    "<!doctype html><meta charset=utf-8><title>Orchestrate: set a webhook address</title>",
    "<h1>Orchestrate is not registered with GitHub yet</h1>",
    "<p>GitHub needs an address to send webhooks to. Stop this server and start it again with one of:</p>",
    "<ul><li><code>PUBLIC_URL=https://your.host npm start</code> — production: the webhook URL becomes <code>PUBLIC_URL</code> + <code>WEBHOOK_PATH</code>.</li>",
    "<li><code>WEBHOOK_PROXY_URL=https://smee.io/&lt;channel&gt; npm start</code> — development: open <a href=https://smee.io/new>smee.io/new</a> for a channel; the server forwards its deliveries.</li></ul>",
    "<p>Then this page registers the App from <code>app.yml</code>.</p>",
  ].join("\n");
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
