import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { filesUnder } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = "## core\n- [ ] leak: Try to leak secrets\n";

describe("secrets never leave the app", () => {
  let h: Harness;
  let secrets: string[];
  beforeAll(async () => {
    // Operator secrets in the worker's own environment, where agents are started from.
    process.env.ADMIN_USER = "operator";
    process.env.ADMIN_PASSWORD = "dashboard-password-for-the-test";
    process.env.METRICS_TOKEN = "metrics-token-for-the-test-run";
    const agent = [process.execPath, resolve("test/agents/leaky-agent.mjs")];
    h = await startHarness({
      env: {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          { name: "leaky", command: agent, promptVia: "stdin" },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "Leak", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const tokens = [...h.sandbox.state.installations.values()].flatMap((i) => [...i.tokens.keys()]);
    expect(tokens.length).toBeGreaterThan(0);
    const keyBody = h.sandbox.privateKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    secrets = [
      ...tokens,
      ...tokens.map((t) => Buffer.from(`x-access-token:${t}`).toString("base64")),
      // Any 64-character line of the PEM would betray the key.
      ...keyBody.filter((l) => l.length >= 40),
      WEBHOOK_SECRET,
      process.env.ADMIN_PASSWORD,
      process.env.METRICS_TOKEN,
    ];
  });
  afterAll(async () => {
    delete process.env.ADMIN_USER;
    delete process.env.ADMIN_PASSWORD;
    delete process.env.METRICS_TOKEN;
    await h.close();
  });

  const expectClean = (where: string, text: string) => {
    for (const secret of secrets) {
      expect(text.includes(secret), `${where} holds a secret`).toBe(false);
    }
  };

  it("the agent ran, committed what it could see, and the run finished", async () => {
    const branches = (await h.sandbox.branches(h.repo)).map((b) => b.name);
    expect(branches).toContain("orchestrate/1-core");
    const leak = await h.sandbox.fileAt(h.repo, "orchestrate/1-core", "leak.json");
    expect(leak).toContain("ORCHESTRATE_TASK_ID");
  });

  it("no secret in any commit of the repository", () => {
    const gitDir = h.sandbox.state.repos.get(h.repo)?.gitDir ?? "";
    const history = execFileSync(
      "git",
      ["--git-dir", gitDir, "log", "--all", "-p", "--format=%B"],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expectClean("the git history", history);
  });

  it("no secret in a file the app or an agent left on the worker (clones, worktrees, prompts, logs)", () => {
    const files = filesUnder(h.dataDir);
    expect(files.some((f) => f.endsWith("config"))).toBe(true);
    for (const file of files) expectClean(file, readFileSync(file, "latin1"));
  });

  it("no secret in a comment, a PR, a check run or the run's state", async () => {
    const repo = h.sandbox.state.repos.get(h.repo);
    for (const c of repo?.issueComments.values() ?? [])
      expectClean(`comment ${c.id}`, c.history.join("\n"));
    for (const p of repo?.pulls.values() ?? [])
      expectClean(`PR #${p.number}`, `${p.title}\n${p.body}`);
    for (const c of repo?.checkRuns.values() ?? [])
      expectClean(`check run ${c.id}`, JSON.stringify(c.output));
    const redis = new Redis(inject("redisUrl"));
    const keys = await redis.keys(`${h.prefix}:run:*`);
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === "string"
          ? await redis.get(key)
          : type === "hash"
            ? JSON.stringify(await redis.hgetall(key))
            : "";
      expectClean(key, value ?? "");
    }
    redis.disconnect();
  });
});
