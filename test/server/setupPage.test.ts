import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../src/queue/embeddedRedis.js";
import { waitFor } from "../e2e/helpers.js";

// Registering the App: `orchestrate server` without credentials serves Probot's setup page,
// whose manifest (app.yml plus what Probot fills in) GitHub creates the App from. The webhook
// URL in it is where GitHub will deliver, so it must be one GitHub can reach.

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function startServer(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [resolve("dist/src/cli.js"), "server"], {
    // app.yml is read from the working directory, as Probot does; no .env is there.
    cwd: resolve("."),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "fatal", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => output, exit };
}

/** The manifest the setup page would POST to GitHub. */
async function manifestAt(port: number): Promise<Record<string, unknown>> {
  const html = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
  // Probot puts the JSON in the button's single-quoted value attribute, unescaped.
  const match = /name="manifest"[^>]*value='([^']*)'/.exec(html);
  if (!match?.[1]) throw new Error(`no manifest in the setup page:\n${html.slice(0, 2000)}`);
  const json = match[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return JSON.parse(json) as Record<string, unknown>;
}

describe("the setup page's App manifest", () => {
  let started: Started | null = null;
  afterEach(async () => {
    started?.child.kill("SIGTERM");
    await started?.exit;
    started = null;
  });

  it.each([
    [
      "production: PUBLIC_URL with the webhook path",
      { PUBLIC_URL: "https://orchestrate.example.org/" },
      "https://orchestrate.example.org/api/github/webhooks",
    ],
    [
      "development: the webhook proxy channel",
      { WEBHOOK_PROXY_URL: "https://smee.io/AbCdEf123" },
      "https://smee.io/AbCdEf123",
    ],
  ])(
    "registers the webhook URL of %s, and app.yml's permissions and events",
    async (_, env, url) => {
      const port = await freePort();
      started = startServer({ PORT: String(port), ...env });
      const s = started;
      await waitFor("the setup page", () => s.output().includes("not registered"), {
        explain: () => s.output(),
      });
      const manifest = await manifestAt(port);
      expect(manifest["hook_attributes"]).toEqual({ url });
      expect(manifest["default_permissions"]).toEqual({
        contents: "write",
        issues: "write",
        pull_requests: "write",
        checks: "write",
        metadata: "read",
        actions: "write",
        statuses: "read",
      });
      expect(manifest["default_events"]).toContain("pull_request");
      expect(manifest["public"]).toBe(false);
    },
  );

  it("without a webhook address, offers no registration GitHub could not deliver to: it says what to set, and stops cleanly", async () => {
    const port = await freePort();
    started = startServer({ PORT: String(port) });
    const s = started;
    await waitFor("the line saying what to set", () => s.output().includes("not registered"), {
      explain: () => s.output(),
    });
    expect(s.output()).toMatch(/PUBLIC_URL=https:\/\/your\.host.*WEBHOOK_PROXY_URL=/s);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain("PUBLIC_URL=https://your.host npm start");
    expect(page).toContain("WEBHOOK_PROXY_URL=https://smee.io/");
    // No manifest: nothing on the page would register the App.
    expect(page).not.toMatch(/manifest/i);
    s.child.kill("SIGTERM");
    expect(await s.exit).toBe(0);
  });
});
