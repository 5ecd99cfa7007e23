import { createHmac, randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../src/sandbox/webhookDriver.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "../e2e/harness.js";
import { appComments, waitFor } from "../e2e/helpers.js";

// Development: the App is registered with a webhook proxy channel (smee.io) and the server
// reads that channel. Here a local channel speaks smee's protocol — server-sent events whose
// data is the delivery's headers plus its JSON body — and the app must act on what it relays.
describe("WEBHOOK_PROXY_URL", () => {
  let h: Harness | null = null;
  let close = async () => {};
  afterEach(async () => {
    h?.sandbox.assertFidelity();
    await h?.close();
    await close();
    h = null;
  });

  it("forwards each delivery of the proxy channel to the webhook endpoint, signature intact", async () => {
    const listeners: ServerResponse[] = [];
    const channel = createServer((req, res) => {
      expect(req.headers.accept).toBe("text/event-stream");
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("event: ready\ndata: {}\n\n");
      listeners.push(res);
    });
    await new Promise<void>((r) => channel.listen(0, "127.0.0.1", r));
    close = async () => {
      for (const res of listeners) res.end();
      channel.closeAllConnections();
      await new Promise((r) => channel.close(r));
    };
    const url = `http://127.0.0.1:${(channel.address() as AddressInfo).port}/AbCdEf`;
    h = await startHarness({ env: { WEBHOOK_PROXY_URL: url, ORCHESTRATE_BACKENDS: "" } });
    const harness = h;
    harness.sandbox.setPermission(harness.repo, "maintainer-user", "admin");
    await waitFor("the server to read the channel", () => listeners.length === 1);

    const issue = harness.sandbox.createIssue(harness.repo, {
      title: "Invalid on purpose",
      body: "```yaml\ntasks:\n  - { id: a, group: g }\n```\n",
      user: "maintainer-user",
    });
    const payload = buildEvent(harness.sandbox, "issues", "labeled", {
      repo: harness.repo,
      sender: "maintainer-user",
      issue: issue.number,
      label: "orchestrate",
    });
    const body = JSON.stringify(payload);
    const event = {
      host: "smee.io",
      "content-length": String(body.length),
      "x-github-event": "issues",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`,
      body: payload,
      query: {},
      timestamp: Date.now(),
    };
    listeners[0]?.write("event: ping\ndata: {}\n\n");
    listeners[0]?.write(`id: 1\nevent: message\ndata: ${JSON.stringify(event)}\n\n`);

    // The spec is invalid (no titles): the app's answer is the status comment listing why
    // (read once the app is through: it says "Planning" first).
    await waitFor("the app's status comment", () => appComments(harness, issue.number).length > 0);
    await harness.settle();
    const [status] = appComments(harness, issue.number);
    expect(status).toMatch(/title/);
    const reactions = harness.sandbox.state.repos
      .get(harness.repo)
      ?.reactions.filter((r) => r.subject === `issue:${issue.number}`)
      .map((r) => r.content);
    expect(reactions).toEqual(["rocket"]);
  });
});
