import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { freePort } from "../../src/queue/embeddedRedis.js";

// `orchestrate server` as the container runs it (`node dist/src/cli.js server`), JSON logs on
// stdout: what an operator's log collector would receive.
const CLI = resolve("dist/src/cli.js");
const PASSWORD = "pa55word-for-the-dashboard";
const TOKEN = "token-for-the-prometheus-scraper";
const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

interface Started {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startServer(env: Record<string, string>): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-server-"));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, "server"], {
    // A directory of its own: no .env of the developer's is read.
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      APP_ID: "1",
      PRIVATE_KEY: key,
      WEBHOOK_SECRET: "webhook-secret",
      // Never contacted: nothing in these tests asks GitHub anything.
      GITHUB_API_URL: "http://127.0.0.1:9",
      REDIS_URL: inject("redisUrl"),
      ORCHESTRATE_PREFIX: `proc-${randomUUID().slice(0, 8)}`,
      ORCHESTRATE_DATA_DIR: join(dir, "data"),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const check = () => {
      if (out.includes("Orchestrate is listening")) return ready();
      if (child.exitCode !== null) return fail(new Error(`the server exited early:\n${out}`));
      setTimeout(check, 50);
    };
    check();
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("orchestrate server, as a process", () => {
  it("says the dashboard and metrics are on, keeps their secrets out of its logs, and stops cleanly on SIGTERM", async () => {
    const server = await startServer({
      ADMIN_USER: "operator",
      ADMIN_PASSWORD: PASSWORD,
      METRICS_TOKEN: TOKEN,
    });
    const dashboard = await fetch(`${server.url}/admin/queues`, {
      headers: { authorization: basic("operator", PASSWORD) },
    });
    expect(dashboard.status).toBe(200);
    const wrong = await fetch(`${server.url}/admin/queues`, {
      headers: { authorization: basic("operator", `${PASSWORD}!`) },
    });
    expect(wrong.status).toBe(401);
    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const log = server.output();
    expect(log).toContain("Queue dashboard at /admin/queues");
    expect(log).toContain("Prometheus metrics at /metrics (Authorization: Bearer METRICS_TOKEN)");
    expect(log).toContain("Stopping: finishing the jobs in hand");
    // The requests were logged, with their Authorization headers censored.
    expect(log).toMatch(/"url":"\/admin\/queues".*"authorization":"\[redacted\]"/);
    for (const secret of [
      PASSWORD,
      TOKEN,
      basic("operator", PASSWORD).slice(6),
      basic("operator", `${PASSWORD}!`).slice(6),
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it("says when the dashboard is off and /metrics is open", async () => {
    const server = await startServer({});
    expect((await fetch(`${server.url}/admin/queues`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const log = server.output();
    expect(log).toContain(
      "Queue dashboard off: set ADMIN_USER and ADMIN_PASSWORD to serve it at /admin/queues",
    );
    expect(log).toContain("Prometheus metrics at /metrics, open to anyone");
  });

  it("refuses to start with half a dashboard login, naming what to set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrate-server-"));
    dirs.push(dir);
    const child = spawn(process.execPath, [CLI, "server"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ADMIN_USER: "operator" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(err).toContain("ADMIN_PASSWORD: missing — set both ADMIN_USER and ADMIN_PASSWORD");
  });

  it("refuses an unknown backend before it starts anything, with the line that says what to write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrate-server-"));
    dirs.push(dir);
    const child = spawn(process.execPath, [CLI, "server"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ORCHESTRATE_BACKENDS: "codex,nosuchpreset" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
    }
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(out).toContain(
      'ORCHESTRATE_BACKENDS item 2: unknown backend "nosuchpreset". Use a preset',
    );
    // A person's mistake, not a crash: no stack trace, and no private Redis was started for it.
    expect(out).not.toMatch(/\n\s+at /);
    expect(out).not.toContain("Started a private redis-server");
  });
  it.each([
    {
      env: { ORCHESTRATE_BACKENDS: "codex", ORCHESTRATE_PLANNER: "nosuch" },
      line: 'ORCHESTRATE_PLANNER: "nosuch" is neither a backend of ORCHESTRATE_BACKENDS (codex) nor a declaration of its own',
    },
    {
      env: { ORCHESTRATE_BACKENDS: "codex,claude", ORCHESTRATE_SANDBOX_NETWORK: "codexx" },
      line: 'ORCHESTRATE_SANDBOX_NETWORK: "codexx" is not a backend of this worker; write backend names (codex, claude), verify, all or none',
    },
  ])("refuses $env before it starts anything, naming the variable", async ({ env, line }) => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrate-server-"));
    dirs.push(dir);
    const child = spawn(process.execPath, [CLI, "server"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
    }
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(out).toContain(line);
    expect(out).not.toMatch(/\n\s+at /);
    expect(out).not.toContain("Started a private redis-server");
  });
});
