import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import { appComments, specOf, startRun } from "./helpers.js";

// Every way an attempt can fail says why where a person looks: the task's report (what the
// status comment and `simulate` show), the status comment itself, the logs, and a file with
// the whole output of the last attempt.
describe("a failed task says why", () => {
  let h: Harness;
  let dir: string;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "orchestrate-failures-"));
    const notExecutable = join(dir, "agent.sh");
    writeFileSync(notExecutable, "#!/bin/sh\necho never runs\n");
    chmodSync(notExecutable, 0o644);
    const sh = (name: string, script: string) => ({
      name,
      command: ["sh", "-c", script],
      promptVia: "stdin",
    });
    const node = (name: string, agent: string) => ({
      name,
      command: [process.execPath, resolve("test/agents", agent)],
      promptVia: "stdin",
    });
    const log = pino(
      { level: "info" },
      { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) },
    );
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        ".github/orchestrate.yml": "limits:\n  attempts: 1\n",
        // The cause comes after 400 lines of noise, as with a real test runner.
        "check.sh":
          'i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "noise line $i"; done\necho "expected 2 widgets, got 3" >&2\nexit 1\n',
      },
      log,
      env: {
        WORKER_CONCURRENCY: "3",
        ORCHESTRATE_BACKENDS: JSON.stringify([
          sh("missing", "./no-such-agent.sh"),
          sh("notexec", notExecutable),
          node("exits", "fail-agent.mjs"),
          sh("killed", "echo about to be killed; kill -KILL $$"),
          node("edit", "edit-agent.mjs"),
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the exit code or signal, the verify command and the end of the output", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: missing, group: g, backend: missing, title: Missing, description: x }",
        "  - { id: notexec, group: g, backend: notexec, title: Not executable, description: x }",
        "  - { id: exits, group: g, backend: exits, title: Exits 1, description: x }",
        "  - { id: killed, group: g, backend: killed, title: Killed, description: x }",
        "  - { id: verify, group: v, backend: edit, verify: sh check.sh, title: Verify, description: x }",
      ]),
    );
    await h.settle();
    const run = await h.run(issue);
    expect(run?.run.state).toBe("failed");
    const report = (id: string) => run?.tasks.find((t) => t.id === id)?.report ?? "";
    const summary = (id: string) => report(id).split("\n")[0];

    expect(summary("missing")).toMatch(
      /^agent-failed \(attempt 1, backend missing\): missing exited with 127 \(the command was not found.*\): .*no-such-agent\.sh: not found$/,
    );
    expect(summary("notexec")).toMatch(
      /^agent-failed \(attempt 1, backend notexec\): notexec exited with 126 \(the command is not executable.*chmod \+x.*\): .*Permission denied$/,
    );
    expect(summary("exits")).toBe(
      "agent-failed (attempt 1, backend exits): exits exited with 1: fail-agent: something broke",
    );
    expect(summary("killed")).toBe(
      "agent-failed (attempt 1, backend killed): killed was killed by SIGKILL: about to be killed",
    );
    expect(summary("verify")).toBe(
      "verify-failed (attempt 1, backend edit): verify `sh check.sh` failed with exit 1: expected 2 widgets, got 3",
    );
    // The end of verify's output is kept, not its start.
    expect(report("verify")).toContain("noise line 400\nexpected 2 widgets, got 3");
    expect(report("verify")).not.toContain("noise line 1\n");

    const [status] = appComments(h, issue);
    expect(status).toContain("missing exited with 127");
    expect(status).toContain("notexec exited with 126");
    expect(status).toContain("exits exited with 1: fail-agent: something broke");
    expect(status).toContain("killed was killed by SIGKILL");
    expect(status).toMatch(/verify `sh check.sh` failed with exit 1: expected 2 widgets, got 3/);
    // The cause, in the collapsed end of the output under the failed task.
    expect(status).toMatch(
      /<summary>last lines of output<\/summary>\n\n {2}```text\n[\s\S]*noise line 400\n {2}expected 2 widgets, got 3\n {2}```/,
    );
    expect(status).toContain("last-attempt.log");

    // The whole output of the last attempt, in one file per task, named in the logs.
    const failures = logged.filter((l) => l.msg === "task failed");
    expect(failures.map((l) => l.taskId).sort()).toEqual([
      "exits",
      "killed",
      "missing",
      "notexec",
      "verify",
    ]);
    const verifyLog = failures.find((l) => l.taskId === "verify");
    expect(verifyLog?.failure).toBe(summary("verify"));
    const file = String(verifyLog?.lastAttemptLog);
    expect(file.startsWith(join(h.dataDir, "logs"))).toBe(true);
    expect(existsSync(file)).toBe(true);
    const whole = readFileSync(file, "utf8");
    expect(whole).toContain("task verify, attempt 1, backend edit");
    expect(whole).toContain("$ sh check.sh\nnoise line 1\n");
    expect(whole).toContain("expected 2 widgets, got 3");
  });
});
