import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../e2e/harness.js";

const USER = "operator";
// A colon in the password: basic auth splits at the first one only.
const PASSWORD = "correct:horse-battery-staple";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("the queue dashboard at /admin/queues", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ADMIN_USER: USER, ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(() => h.close());
  const get = (path: string, authorization?: string) =>
    fetch(`${h.app.url}${path}`, authorization ? { headers: { authorization } } : {});

  it("asks for the login when none is given", async () => {
    const res = await get("/admin/queues");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Orchestrate"');
    expect(await res.text()).not.toContain("bull");
  });

  it("refuses a wrong password, a wrong user, and a header that is not basic auth", async () => {
    for (const authorization of [
      basic(USER, "correct:horse-battery-stapl"),
      basic("operator2", PASSWORD),
      basic(USER, ""),
      `Bearer ${PASSWORD}`,
      "Basic not-base64!",
    ]) {
      const res = await get("/admin/queues", authorization);
      expect(res.status, authorization).toBe(401);
    }
  });

  it("guards every path under it, the API and the assets included", async () => {
    for (const path of [
      "/admin/queues/",
      "/admin/queues/api/queues",
      "/admin/queues/static/x.js",
    ]) {
      expect((await get(path)).status, path).toBe(401);
    }
  });

  it("serves the board with the right login", async () => {
    const res = await get("/admin/queues", basic(USER, PASSWORD));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("Orchestrate");
    // The page's scripts load from where a browser would resolve them, behind the same login.
    const page = new URL("/admin/queues", h.app.url);
    const base = new URL(/<base href="([^"]+)"/.exec(html)?.[1] ?? "", page);
    const scripts = [...html.matchAll(/<script defer src="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const url = new URL(src, base);
      expect(url.pathname.startsWith("/admin/queues/"), url.pathname).toBe(true);
      const asset = await get(url.pathname, basic(USER, PASSWORD));
      expect(asset.status, url.pathname).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(/javascript/);
      expect((await get(url.pathname)).status).toBe(401);
    }
  });

  it("shows the app's own three queues, with the jobs a webhook queued", async () => {
    // Someone without write permission labels an issue: one event job, answered with a refusal.
    h.sandbox.setPermission(h.repo, "passer-by", "read");
    const issue = h.sandbox.createIssue(h.repo, { title: "x", body: "y", user: "passer-by" });
    const sent = await h.send("issues", "labeled", {
      repo: h.repo,
      sender: "passer-by",
      issue: issue.number,
      label: "orchestrate",
    });
    expect(sent.status).toBe(200);
    await h.settle();

    const res = await get("/admin/queues/api/queues", basic(USER, PASSWORD));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      queues: Array<{ name: string; counts: Record<string, number> }>;
    };
    expect(body.queues.map((q) => q.name).sort()).toEqual(["events", "poll", "tasks"]);
    const events = body.queues.find((q) => q.name === "events");
    expect(events?.counts.completed).toBeGreaterThanOrEqual(1);
  });

  it("leaves other paths to the rest of the server", async () => {
    expect((await get("/admin/queuesx", basic(USER, PASSWORD))).status).toBe(404);
    expect((await get("/healthz")).status).toBe(200);
  });
});

describe("without ADMIN_USER and ADMIN_PASSWORD", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("serves no dashboard at all", async () => {
    const res = await fetch(`${h.app.url}/admin/queues`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
    expect(res.status).toBe(404);
  });
});
