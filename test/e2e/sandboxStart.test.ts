// A worker without a working agent sandbox refuses to start and says how to get one; the
// operator's explicit unsafe opt-out runs, and every run it touched says so on GitHub.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startSandbox } from "../../src/sandbox/sandbox.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, labelNewIssue, waitFor } from "./helpers.js";

/** `orchestrate worker` as an operator starts it, with `env` on top; its exit code and output. */
async function startWorker(env: Record<string, string>) {
  const sandbox = await startSandbox();
  const dataDir = mkdtempSync(join(tmpdir(), "orchestrate-worker-"));
  try {
    const child = spawn(process.execPath, [resolve("dist/src/cli.js"), "worker"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GIT_CONFIG_GLOBAL: "/dev/null",
        APP_ID: String(sandbox.appId),
        PRIVATE_KEY: sandbox.privateKey,
        WEBHOOK_SECRET,
        GITHUB_API_URL: sandbox.url,
        REDIS_URL: inject("redisUrl"),
        ORCHESTRATE_PREFIX: `sandbox-start-${Date.now()}`,
        ORCHESTRATE_DATA_DIR: dataDir,
        LOG_LEVEL: "fatal",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    return { code, output };
  } finally {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("a worker's agent sandbox", () => {
  it("refuses to start without bubblewrap, saying how to install it or opt out", async () => {
    const { code, output } = await startWorker({
      ORCHESTRATE_SANDBOX_BWRAP: "/nonexistent/bwrap",
    });
    expect(code).toBe(1);
    expect(output).toContain("The agent sandbox does not work on this machine");
    expect(output).toContain("apt-get install bubblewrap");
    expect(output).toContain("ORCHESTRATE_UNSAFE_NO_SANDBOX=true");
    expect(output).not.toContain("Orchestrate worker started");
  });

  it("refuses a shared or read-only path that would show agents the data directory", async () => {
    const { code, output } = await startWorker({ ORCHESTRATE_SANDBOX_SHARED: tmpdir() });
    expect(code).toBe(1);
    expect(output).toContain(`${tmpdir()} (in ORCHESTRATE_SANDBOX_READ_ONLY or`);
    expect(output).toContain("name a narrower path");
  });

  describe("turned off by the operator", () => {
    let h: Harness;
    afterAll(() => h?.close());

    it("runs the task, and the status comment says the run was unsandboxed", async () => {
      h = await startHarness({
        env: {
          ORCHESTRATE_UNSAFE_NO_SANDBOX: "true",
          ORCHESTRATE_BACKENDS: JSON.stringify([
            { name: "edit", command: [process.execPath, resolve("test/agents/edit-agent.mjs")] },
          ]),
        },
      });
      const issue = await labelNewIssue(h, {
        title: "Unsandboxed",
        body: "## core\n- [ ] one: Do one thing\n",
      });
      const status = await waitFor("the status comment's warning", () =>
        appComments(h, issue).find((c) => c.includes("Unsandboxed")),
      );
      expect(status).toContain("ORCHESTRATE_UNSAFE_NO_SANDBOX");
      expect((await h.run(issue))?.tasks.map((t) => t.status)).toEqual(["complete"]);
    });
  });
});
