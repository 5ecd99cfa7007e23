import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { BackendConfig } from "../../src/worker/backendConfig.js";
import { runBackend } from "../../src/worker/backends.js";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { parseBackends } from "../../src/worker/parseBackends.js";
import { presets } from "../../src/worker/presets/presets.js";
import { scrubbedEnv } from "../../src/worker/scrubbedEnv.js";
import { agent, removeTempDirs, tempDir } from "./gitFixtures.js";

const sandbox = bwrapIsolation();

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

afterAll(removeTempDirs);

describe("parseBackends", () => {
  it("gives no backends when unset or blank", () => {
    expect(parseBackends(undefined)).toEqual([]);
    expect(parseBackends("  ")).toEqual([]);
  });

  it("reads a comma list of presets", () => {
    const backends = parseBackends("codex, claude,gemini,opencode");
    expect(backends.map((b) => b.name)).toEqual(["codex", "claude", "gemini", "opencode"]);
    expect(backends[0]).toEqual(presets.codex);
    // A copy: changing it does not change the preset.
    backends[0]!.command.push("--extra");
    expect(presets.codex.command).not.toContain("--extra");
  });

  it("reads name=command words as a custom command fed on stdin", () => {
    expect(parseBackends("claude,mine=./bin/agent --fast  --quiet")).toEqual([
      presets.claude,
      { name: "mine", command: ["./bin/agent", "--fast", "--quiet"], promptVia: "stdin" },
    ]);
  });

  it("reads a JSON array of backend objects and preset names", () => {
    const value = JSON.stringify([
      {
        name: "mine",
        command: ["my-agent", "--in", "{prompt_file}"],
        promptVia: "file",
        env: { MODEL: "large" },
        timeoutMs: 60_000,
      },
      { name: "plain", command: ["other-agent"] },
      "gemini",
    ]);
    expect(parseBackends(value)).toEqual([
      {
        name: "mine",
        command: ["my-agent", "--in", "{prompt_file}"],
        promptVia: "file",
        env: { MODEL: "large" },
        timeoutMs: 60_000,
      },
      { name: "plain", command: ["other-agent"], promptVia: "stdin" },
      presets.gemini,
    ]);
  });

  it("names an unknown preset and says what to write instead", () => {
    expect(() => parseBackends("codex,codx")).toThrow(
      /ORCHESTRATE_BACKENDS item 2: unknown backend "codx".*codex, claude, gemini, opencode.*name=command/,
    );
  });

  it("names the bad field of a JSON entry and what it must be", () => {
    expect(() =>
      parseBackends(
        '[{"name":"a","command":["x"]},{"name":"b","command":["y"],"promptVia":"pipe"}]',
      ),
    ).toThrow('ORCHESTRATE_BACKENDS[1].promptVia: promptVia must be "stdin", "file" or "arg"');
    expect(() => parseBackends('[{"name":"a","command":[]}]')).toThrow(
      "ORCHESTRATE_BACKENDS[0].command: command must not be empty",
    );
    expect(() => parseBackends('[{"name":"a","command":"x y"}]')).toThrow(
      "ORCHESTRATE_BACKENDS[0].command: command must be an array of strings",
    );
    expect(() => parseBackends('[{"name":"a","command":["x"],"timeout":5}]')).toThrow(
      /ORCHESTRATE_BACKENDS\[0\]: Unrecognized key: "timeout" \(allowed: name, command, promptVia, env, modelArgs, effortArgs, timeoutMs\)/,
    );
    expect(() => parseBackends('[{"command":["x"]}]')).toThrow(
      /ORCHESTRATE_BACKENDS\[0\]\.name: name must be a string/,
    );
  });

  it("explains JSON that does not parse or is not an array", () => {
    expect(() => parseBackends('[{"name":"a",}]')).toThrow(
      /ORCHESTRATE_BACKENDS looks like JSON but does not parse .*Write an array such as/,
    );
    expect(() => parseBackends('[ "codex", 3 ]')).toThrow(/ORCHESTRATE_BACKENDS\[1\]/);
  });

  it("refuses two backends with one name", () => {
    expect(() => parseBackends("codex,codex=other")).toThrow(/"codex" is declared twice/);
  });

  it("uses each CLI's non-interactive mode in the presets", () => {
    expect(presets.codex.command.slice(0, 2)).toEqual(["codex", "exec"]);
    expect(presets.codex.command.at(-1)).toBe("-");
    expect(presets.codex.command).toContain("{output_file}");
    expect(presets.claude.command.slice(0, 2)).toEqual(["claude", "-p"]);
    expect(presets.gemini.command).toContain("-p");
    expect(presets.opencode.command.slice(0, 2)).toEqual(["opencode", "run"]);
  });
});

describe("scrubbedEnv", () => {
  it("drops Orchestrate's secrets and the operator's own, keeps agent API keys and what is asked for", () => {
    const env = scrubbedEnv({
      PATH: "/bin",
      HOME: "/home/w",
      AWS_SECRET_ACCESS_KEY: "aws",
      DATABASE_URL: "postgres://prod",
      NPM_TOKEN: "npm",
      ORCHESTRATE_AGENT_ENV: "MY_AGENT_SETTING, GITHUB_TOKEN",
      MY_AGENT_SETTING: "kept on request",
      OPENAI_API_KEY: "sk-openai",
      ANTHROPIC_API_KEY: "sk-ant",
      API_TIMEOUT_MS: "120000",
      CLAUDE_CODE_MAX_RETRIES: "3",
      GEMINI_API_KEY: "g",
      PRIVATE_KEY: "-----BEGIN",
      PRIVATE_KEY_PATH: "/keys/app.pem",
      GITHUB_APP_PRIVATE_KEY: "k",
      WEBHOOK_SECRET: "w",
      GITHUB_TOKEN: "ghs",
      GH_TOKEN: "gho",
      GITHUB_CLIENT_SECRET: "c",
      APP_ID: "123",
      REDIS_URL: "redis://x",
      ORCHESTRATE_ADMIN_PASSWORD: "p",
      ORCHESTRATE_BACKENDS: "codex",
      SSH_AUTH_SOCK: "/tmp/ssh",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: "Authorization: x",
    });
    expect(env).toEqual({
      PATH: "/bin",
      MY_AGENT_SETTING: "kept on request",
      OPENAI_API_KEY: "sk-openai",
      ANTHROPIC_API_KEY: "sk-ant",
      API_TIMEOUT_MS: "120000",
      CLAUDE_CODE_MAX_RETRIES: "3",
      GEMINI_API_KEY: "g",
      GIT_TERMINAL_PROMPT: "0",
    });
  });
});

describe("runBackend", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  function dump(attemptDir: string): {
    env: Record<string, string>;
    argv: string[];
    cwd: string;
    stdin: string;
  } {
    return JSON.parse(readFileSync(join(attemptDir, "env-dump.json"), "utf8"));
  }

  it("gives the agent its ORCHESTRATE_* variables, the prompt on stdin and a scrubbed environment", async () => {
    Object.assign(process.env, {
      PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----",
      WEBHOOK_SECRET: "hook-secret",
      GITHUB_TOKEN: "ghs_secret",
      GH_TOKEN: "gho_secret",
      REDIS_URL: "redis://secret",
      ORCHESTRATE_ADMIN_TOKEN: "admin-secret",
      OPENAI_API_KEY: "sk-openai-kept",
      ANTHROPIC_API_KEY: "sk-ant-kept",
    });
    const worktree = tempDir();
    const attemptDir = join(tempDir(), "attempt-1");
    const backend: BackendConfig = {
      name: "env",
      command: [agent("env-agent.mjs"), "--at", "{worktree}"],
      promptVia: "stdin",
      env: { AGENT_MODEL: "large" },
    };
    const r = await runBackend(backend, {
      worktree,
      prompt: "Do task t1 {worktree}",
      taskId: "t1",
      taskKind: "review-thread",
      attemptDir,
      ioDir: attemptDir,
      isolation: sandbox,
      timeoutMs: 30_000,
      extraEnv: { FROM_JOB: "yes" },
    });
    expect(r).toMatchObject({ ok: true, exitCode: 0, timedOut: false, aborted: false });
    expect(r.report).toBe("env-agent: recorded my environment");
    const d = dump(attemptDir);
    expect(d.env).toMatchObject({
      ORCHESTRATE_TASK_ID: "t1",
      ORCHESTRATE_TASK_KIND: "review-thread",
      ORCHESTRATE_PROMPT_FILE: join(attemptDir, "prompt.md"),
      ORCHESTRATE_OUTPUT_FILE: join(attemptDir, "output.md"),
      OPENAI_API_KEY: "sk-openai-kept",
      ANTHROPIC_API_KEY: "sk-ant-kept",
      AGENT_MODEL: "large",
      FROM_JOB: "yes",
    });
    for (const secret of [
      "PRIVATE_KEY",
      "WEBHOOK_SECRET",
      "GITHUB_TOKEN",
      "GH_TOKEN",
      "REDIS_URL",
      "ORCHESTRATE_ADMIN_TOKEN",
    ]) {
      expect(d.env[secret], secret).toBeUndefined();
    }
    expect(d.stdin).toBe("Do task t1 {worktree}");
    expect(d.cwd).toBe(worktree);
    expect(d.argv).toEqual(["--at", worktree]);
    expect(readFileSync(join(attemptDir, "prompt.md"), "utf8")).toBe("Do task t1 {worktree}");
    expect(readFileSync(join(attemptDir, "report.md"), "utf8")).toBe(`${r.report}\n`);
    expect(readFileSync(r.logFile, "utf8")).toMatch(/^\$ ".*env-agent\.mjs" "--at" /);
  });

  it("adds modelArgs and effortArgs only when the task has a model or an effort", async () => {
    const backend: BackendConfig = {
      name: "m",
      command: [agent("env-agent.mjs"), "run"],
      promptVia: "stdin",
      modelArgs: ["--model", "{model}"],
      effortArgs: ["-c", 'effort="{effort}"'],
    };
    const run = async (choice: { model?: string; effort?: string }) => {
      const attemptDir = join(tempDir(), "a");
      await runBackend(backend, {
        worktree: tempDir(),
        prompt: "P",
        taskId: "t",
        taskKind: "implement",
        attemptDir,
        ioDir: attemptDir,
        isolation: sandbox,
        timeoutMs: 30_000,
        ...choice,
      });
      return dump(attemptDir).argv;
    };
    expect(await run({})).toEqual(["run"]);
    expect(await run({ model: "gpt-5-codex" })).toEqual(["run", "--model", "gpt-5-codex"]);
    expect(await run({ model: "o4", effort: "high" })).toEqual([
      "run",
      "--model",
      "o4",
      "-c",
      'effort="high"',
    ]);
  });

  it("passes the prompt file as the last argument for promptVia file", async () => {
    const attemptDir = join(tempDir(), "a");
    await runBackend(
      { name: "f", command: [agent("env-agent.mjs"), "--out={output_file}"], promptVia: "file" },
      {
        worktree: tempDir(),
        prompt: "P",
        taskId: "t",
        taskKind: "implement",
        attemptDir,
        ioDir: attemptDir,
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    const d = dump(attemptDir);
    expect(d.argv).toEqual([
      `--out=${join(attemptDir, "output.md")}`,
      join(attemptDir, "prompt.md"),
    ]);
    expect(d.stdin).toBe("");
  });

  it("passes the prompt text as an argument for promptVia arg", async () => {
    const attemptDir = join(tempDir(), "a");
    await runBackend(
      { name: "a", command: [agent("env-agent.mjs"), "run"], promptVia: "arg" },
      {
        worktree: tempDir(),
        prompt: "the {prompt} text",
        taskId: "t",
        taskKind: "implement",
        attemptDir,
        ioDir: attemptDir,
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(dump(attemptDir).argv).toEqual(["run", "the {prompt} text"]);
  });

  it("refuses a prompt too long for one argument with a fix-it message", async () => {
    const r = await runBackend(
      { name: "a", command: ["true"], promptVia: "arg" },
      {
        worktree: tempDir(),
        prompt: "x".repeat(200_000),
        taskId: "t",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(r.ok).toBe(false);
    expect(r.report).toMatch(/too long .* promptVia "stdin" or "file"/);
  });

  it("uses the last lines of stdout as the report when the agent writes none", async () => {
    const r = await runBackend(
      {
        name: "inline",
        command: [
          process.execPath,
          "-e",
          "console.error('progress'); console.log('step 1\\nAll done: fixed it')",
        ],
        promptVia: "stdin",
      },
      {
        worktree: tempDir(),
        prompt: "p",
        taskId: "t",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(r.ok).toBe(true);
    expect(r.report).toBe("step 1\nAll done: fixed it");
    expect(r.answer).toBe("step 1\nAll done: fixed it");
  });

  it("keeps the whole written answer while the report is bounded", async () => {
    const big = JSON.stringify({
      tasks: Array.from({ length: 2_000 }, (_, i) => ({ id: `t${i}` })),
    });
    const r = await runBackend(
      {
        name: "planner",
        command: [
          process.execPath,
          "-e",
          `require("fs").writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE, ${JSON.stringify(big)})`,
        ],
        promptVia: "stdin",
      },
      {
        worktree: tempDir(),
        prompt: "plan",
        taskId: "plan",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(big.length).toBeGreaterThan(16_000);
    expect(r.answer).toBe(big);
    expect(r.report).toBe(big.slice(0, 16_000));
  });

  it("reports a failing agent with its exit code and output", async () => {
    const r = await runBackend(
      { name: "fail", command: [agent("fail-agent.mjs")], promptVia: "stdin" },
      {
        worktree: tempDir(),
        prompt: "p",
        taskId: "t",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(r).toMatchObject({ ok: false, exitCode: 1, timedOut: false });
    expect(r.output).toContain("fail-agent: something broke");
    expect(readFileSync(r.logFile, "utf8")).toContain("fail-agent: something broke");
  });

  it("says so when the agent's command is not installed", async () => {
    const r = await runBackend(
      { name: "ghost", command: ["orchestrate-ghost-agent", "-"], promptVia: "stdin" },
      {
        worktree: tempDir(),
        prompt: "p",
        taskId: "t",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 30_000,
      },
    );
    expect(r.ok).toBe(false);
    expect(r.spawnError).toMatch(/No such file or directory inside the sandbox/);
    expect(r.report).toMatch(/could not start "orchestrate-ghost-agent".*on PATH/);
  });

  it("caps the run at the backend's own timeout", async () => {
    const r = await runBackend(
      { name: "slow", command: ["sleep", "600"], promptVia: "stdin", timeoutMs: 300 },
      {
        worktree: tempDir(),
        prompt: "p",
        taskId: "t",
        taskKind: "implement",
        attemptDir: join(tempDir(), "a"),
        isolation: sandbox,
        timeoutMs: 600_000,
        killGraceMs: 100,
      },
    );
    expect(r).toMatchObject({ ok: false, timedOut: true });
  });
});
