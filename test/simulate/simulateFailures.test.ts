import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderSimulation } from "../../src/simulate/renderSimulation.js";
import { simulate } from "../../src/simulate/simulate.js";
import { hostProcesses } from "../e2e/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "orchestrate-simulate-failures-"));
const spec = join(dir, "spec.md");
writeFileSync(spec, "# Try\n\n## core\n- [ ] hello: Add hello\n");
const cli = resolve("dist/src/cli.js");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `orchestrate simulate …` as a process started in `cwd`, as a person would run it. */
function simulateCli(args: string[], cwd = dir, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, "simulate", ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("orchestrate simulate --agent", () => {
  it("refuses an agent that does not exist, naming the path it looked for", () => {
    const run = simulateCli(["--spec", spec, "--agent", "./no-such-agent.sh"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `orchestrate simulate: --agent "./no-such-agent.sh": ${join(dir, "no-such-agent.sh")} does not exist\n`,
    );
  });

  it("refuses an agent that is not executable, saying how to fix it", () => {
    writeFileSync(join(dir, "plain.sh"), "#!/bin/sh\n");
    chmodSync(join(dir, "plain.sh"), 0o644);
    const run = simulateCli(["--spec", spec, "--agent", "./plain.sh"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `orchestrate simulate: --agent "./plain.sh": ${join(dir, "plain.sh")} is not executable — run \`chmod +x ./plain.sh\`, or pass --agent "sh ./plain.sh"\n`,
    );
  });

  it("resolves relative paths in the command against the directory it was started from", () => {
    writeFileSync(
      join(dir, "agent.mjs"),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the agent's own source, written out
      'import { writeFileSync } from "node:fs";\nwriteFileSync(`${process.env.ORCHESTRATE_TASK_ID}.txt`, "hi\\n");\n',
    );
    const run = simulateCli([
      "--spec",
      spec,
      "--agent",
      `${process.execPath} ./agent.mjs`,
      "--json",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).pulls[0].files).toEqual(["hello.txt"]);
  });

  it("refuses a --config the app could not read, saying what is wrong, before anything starts", () => {
    writeFileSync(join(dir, "bad.yml"), "update: sometimes\n");
    const run = simulateCli(["--spec", spec, "--agent", "true", "--config", "bad.yml"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'orchestrate simulate: --config bad.yml is invalid:\n  - update: Invalid option: expected one of "merge"|"rebase"|"never"\n',
    );
    const missing = simulateCli(["--spec", spec, "--agent", "true", "--config", "none.yml"]);
    expect(missing.stderr).toBe(
      `orchestrate simulate: --config cannot read the repository configuration ${join(dir, "none.yml")}: no such file\n`,
    );
  });

  it("refuses a --reviews file that is not JSON, naming it", () => {
    writeFileSync(join(dir, "reviews.json"), "{bad");
    const run = simulateCli(["--spec", spec, "--agent", "true", "--reviews", "reviews.json"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^orchestrate simulate: reviews\.json is not JSON: /);
  });

  it("refuses a --ci script that does not exist, naming the path it looked for", () => {
    const run = simulateCli(["--spec", spec, "--agent", "true", "--ci", "./no-such-ci.sh"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `orchestrate simulate: --ci "./no-such-ci.sh": ${join(dir, "no-such-ci.sh")} does not exist\n`,
    );
  });

  it("refuses a program that is not on PATH", () => {
    const run = simulateCli(["--spec", spec, "--agent", "no-such-agent-program --fast"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("`no-such-agent-program` was not found on PATH");
  });
});

describe("a simulated run that fails", () => {
  it("says why in --json and in the text, and keeps the last attempt's whole output", async () => {
    const config = join(dir, "orchestrate.yml");
    writeFileSync(config, "limits:\n  attempts: 1\n");
    const result = await simulate({
      specFile: spec,
      agents: ["echo starting; echo 'boom: no database' >&2; exit 3"],
      configFile: config,
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.run.state).toBe("failed");
    const task = result.tasks.find((t) => t.id === "hello");
    expect(task?.error?.split("\n")[0]).toBe(
      "agent-failed (attempt 1, backend agent): agent exited with 3: boom: no database",
    );
    expect(task?.log).toBe(join(result.logs ?? "", "octo-org_demo_1", "hello", "last-attempt.log"));
    expect(readFileSync(task?.log ?? "", "utf8")).toContain("starting\nboom: no database");
    const text = renderSimulation(result);
    expect(text).toContain(
      "Task hello failed: agent-failed (attempt 1, backend agent): agent exited with 3: boom: no database",
    );
    expect(text).toContain(`whole output of its last attempt: ${task?.log}`);
    rmSync(result.logs ?? "", { recursive: true, force: true });
  });

  it("ends when the only work left waits for an answer, and shows the agent's question", async () => {
    const result = await simulate({
      specFile: spec,
      agents: [`printf 'QUESTION: Hello in which language?\\n' > "$ORCHESTRATE_OUTPUT_FILE"`],
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.run).toMatchObject({
      state: "running",
      stopped: null,
      questions: ["task hello: Hello in which language?"],
    });
    expect(result.run.reason).toMatch(/^waiting for an answer: task hello asked a question/);
    expect(result.tasks.map((t) => [t.id, t.status, t.commit])).toEqual([
      ["hello", "needs-input", null],
    ]);
    expect(renderSimulation(result)).toContain("  question: task hello: Hello in which language?");
    if (result.logs) rmSync(result.logs, { recursive: true, force: true });
  });
});

describe("orchestrate simulate --timeout", () => {
  it("stops a run whose agent never ends, kills the agent and exits 1 saying so", () => {
    // The agent writes here through the sandbox; simulate passes the setting on to its workers.
    const shared = mkdtempSync(join(tmpdir(), "orchestrate-simulate-shared-"));
    const readyFile = join(shared, "hang.ready");
    const run = simulateCli(
      [
        "--spec",
        spec,
        "--agent",
        `${process.execPath} ${resolve("test/agents/hang-agent.mjs")}`,
        "--timeout",
        // Long enough for the agent to have started on a busy machine; the run never ends.
        "10",
        "--json",
      ],
      dir,
      {
        HANG_AGENT_READY_FILE: readyFile,
        // Agents get only the variables they are given; this one, by name.
        ORCHESTRATE_AGENT_ENV: "HANG_AGENT_READY_FILE",
        ORCHESTRATE_SANDBOX_SHARED: shared,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "orchestrate simulate: stopped after --timeout 10 s: the run is stopped, its agents killed",
    );
    const result = JSON.parse(run.stdout) as {
      run: { stopped: string; state: string };
      tasks: Array<{ status: string }>;
      logs: string | null;
    };
    expect(result.run.stopped).toBe("timeout");
    // Stopped as a maintainer stops a run: what is reported is the stopped run, and why.
    expect(result.run.state).toBe("stopped");
    expect(renderSimulation(JSON.parse(run.stdout)).split("\n")[0]).toBe(
      "Run stopped — simulate's --timeout ran out",
    );
    expect(result.tasks.map((t) => t.status)).not.toContain("in_progress");
    // The agent ran, and it and the grandchild it started (both ignore SIGTERM) are gone: no
    // process on this machine carries its environment any more.
    expect(existsSync(readyFile)).toBe(true);
    expect(hostProcesses({ HANG_AGENT_READY_FILE: readyFile })).toEqual([]);
    rmSync(shared, { recursive: true, force: true });
    if (result.logs) rmSync(result.logs, { recursive: true, force: true });
  });
});
