import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../e2e/harness.js";

const MAINTAINER = "maintainer-user";
const SPEC = `Two tasks in one pull request.

\`\`\`yaml
tasks:
  - { id: schema, group: db, title: Table, description: Add the table. }
  - { id: queries, group: db, depends_on: [schema], title: Queries, description: Add helpers. }
\`\`\`
`;

/** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("/metrics", () => {
  let h: Harness;
  const scrape = async () => {
    const res = await fetch(`${h.app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  beforeAll(async () => {
    h = await startHarness({
      roles: { poller: true },
      env: {
        POLL_INTERVAL_SECONDS: "1",
        ORCHESTRATE_BACKENDS: JSON.stringify([
          {
            name: "edit",
            command: [process.execPath, resolve("test/agents/edit-agent.mjs")],
            promptVia: "stdin",
          },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
  });
  afterAll(() => h.close());

  it("names every metric before anything ran, with zeros where counts are known", async () => {
    const text = await scrape();
    for (const name of [
      "orchestrate_runs",
      "orchestrate_tasks",
      "orchestrate_task_attempts",
      "orchestrate_queue_jobs",
      "orchestrate_github_rate_limit_remaining",
      "orchestrate_github_rate_limit_limit",
      "orchestrate_webhook_duration_seconds",
      "orchestrate_poll_cycles_total",
      "orchestrate_poll_cycle_duration_seconds",
      "orchestrate_review_passes_total",
      "orchestrate_review_pulls_checked_total",
      "orchestrate_review_graphql_points_total",
      "orchestrate_review_tasks_created_total",
      "orchestrate_redis_up",
      "process_resident_memory_bytes",
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(sample(text, "orchestrate_redis_up")).toBe(1);
    for (const state of ["planning", "running", "reviewing", "done", "failed", "stopped"]) {
      expect(sample(text, "orchestrate_runs", { state }), state).toBe(0);
    }
    expect(sample(text, "orchestrate_tasks", { status: "complete" })).toBe(0);
    expect(sample(text, "orchestrate_task_attempts")).toBe(0);
    expect(sample(text, "orchestrate_review_passes_total", { trigger: "poll" })).toBe(0);
    expect(sample(text, "orchestrate_webhook_duration_seconds_count")).toBeUndefined();
  });

  it("moves with a run: its state, its tasks and attempts, the webhook, GitHub's rate limit, the poller", async () => {
    const issue = h.sandbox.createIssue(h.repo, { title: "Tables", body: SPEC, user: MAINTAINER });
    const sent = await h.send("issues", "labeled", {
      repo: h.repo,
      sender: MAINTAINER,
      issue: issue.number,
      label: "orchestrate",
    });
    expect(sent.status).toBe(200);
    await h.settle();
    const snapshot = await h.run(issue.number);
    if (!snapshot) throw new Error("no run was stored");
    expect(snapshot.tasks.map((t) => t.status)).toEqual(["complete", "complete"]);

    const text = await scrape();
    // What Redis holds, counted: the run in its state, two complete tasks, their attempts.
    expect(sample(text, "orchestrate_runs", { state: snapshot.run.state })).toBe(1);
    expect(sample(text, "orchestrate_tasks", { status: "complete" })).toBe(2);
    expect(sample(text, "orchestrate_tasks", { status: "failed" })).toBe(0);
    const attempts = snapshot.tasks.reduce((sum, t) => sum + t.attempts, 0);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(sample(text, "orchestrate_task_attempts")).toBe(attempts);
    expect(sample(text, "orchestrate_queue_jobs", { queue: "tasks", state: "completed" })).toBe(2);
    expect(sample(text, "orchestrate_queue_jobs", { queue: "tasks", state: "failed" })).toBe(0);
    // The labelled-issue delivery was timed.
    expect(
      sample(text, "orchestrate_webhook_duration_seconds_count", {
        event: "issues",
        status: "200",
      }),
    ).toBe(1);
    // The installation's REST budget as GitHub (the sandbox) last reported it.
    const installation = String(snapshot.run.installationId);
    const limit = sample(text, "orchestrate_github_rate_limit_limit", {
      installation,
      resource: "core",
    });
    const remaining = sample(text, "orchestrate_github_rate_limit_remaining", {
      installation,
      resource: "core",
    });
    expect(limit).toBe(5000);
    expect(remaining).toBeLessThan(5000);

    // The group's pull request is followed: a poll cycle asks GitHub about it over GraphQL.
    const polled = await until("a poll pass that checked the pull request", async () => {
      const now = await scrape();
      const pulls = sample(now, "orchestrate_review_pulls_checked_total", { trigger: "poll" });
      return pulls !== undefined && pulls > 0 ? now : undefined;
    });
    expect(sample(polled, "orchestrate_poll_cycles_total", { outcome: "ok" })).toBeGreaterThan(0);
    expect(sample(polled, "orchestrate_poll_cycles_total", { outcome: "error" })).toBe(0);
    expect(sample(polled, "orchestrate_poll_cycle_duration_seconds_count")).toBeGreaterThan(0);
    expect(sample(polled, "orchestrate_review_passes_total", { trigger: "poll" })).toBeGreaterThan(
      0,
    );
    expect(
      sample(polled, "orchestrate_review_graphql_points_total", { trigger: "poll" }),
    ).toBeGreaterThan(0);
    expect(
      sample(polled, "orchestrate_github_rate_limit_remaining", {
        installation,
        resource: "graphql",
      }),
    ).toBeLessThan(5000);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  const TOKEN = "s3cret-scrape-token-0123456789";
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => h.close());
  const scrape = (authorization?: string) =>
    fetch(`${h.app.url}/metrics`, authorization ? { headers: { authorization } } : {});

  it("wants the bearer token", async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="Orchestrate"');
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(`Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`)).status).toBe(
      401,
    );
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("orchestrate_runs");
  });
});
