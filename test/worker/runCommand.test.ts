import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { killAllCommands, runCommand } from "../../src/worker/runCommand.js";
import { agent, isAlive, removeTempDirs, tempDir } from "./gitFixtures.js";

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

const dir = tempDir();
const base = { cwd: dir, env: process.env, timeoutMs: 60_000, maxOutputBytes: 1024 * 1024 };

async function pidsFrom(file: string): Promise<number[]> {
  await vi.waitFor(() => expect(readFileSync(file, "utf8")).toMatch(/^\d+ \d+\n$/), {
    timeout: 20_000,
  });
  return readFileSync(file, "utf8").trim().split(" ").map(Number);
}

async function expectDead(pids: number[]): Promise<void> {
  await vi.waitFor(() => expect(pids.filter(isAlive)).toEqual([]), { timeout: 10_000 });
}

afterAll(() => {
  killAllCommands();
  removeTempDirs();
});

describe("runCommand", () => {
  it("returns the exit code and the output, and writes stdin then closes it", async () => {
    const r = await runCommand({
      ...base,
      argv: [
        process.execPath,
        "-e",
        "process.stdin.pipe(process.stdout); process.stdin.on('end', () => { console.error('eof'); process.exitCode = 3; })",
      ],
      stdin: "the prompt\n",
    });
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
    expect(r.output).toContain("the prompt");
    expect(r.output).toContain("eof");
    expect(r.stdout).toBe("the prompt\n");
    expect(r.spawnError).toBeNull();
  });

  it("gives the child /dev/null as stdin when there is no prompt to write", async () => {
    const r = await runCommand({
      ...base,
      argv: [
        process.execPath,
        "-e",
        "process.stdout.write(require('fs').readFileSync(0, 'utf8') || 'empty')",
      ],
    });
    expect(r.stdout).toBe("empty");
  });

  it("reports a program that does not exist instead of throwing", async () => {
    const r = await runCommand({ ...base, argv: ["orchestrate-no-such-agent"] });
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
  });

  it("tolerates an agent that exits without reading a large stdin (EPIPE)", async () => {
    const r = await runCommand({
      ...base,
      argv: [process.execPath, "-e", "process.exit(0)"],
      stdin: "x".repeat(8 * 1024 * 1024),
    });
    expect(r.exitCode).toBe(0);
  });

  it("on timeout kills the whole process group, grandchildren included, even if they ignore SIGTERM", async () => {
    const pidFile = join(dir, "timeout.pids");
    const run = runCommand({
      ...base,
      argv: [agent("hang-agent.mjs")],
      env: { ...process.env, HANG_AGENT_PID_FILE: pidFile },
      timeoutMs: 3_000,
      killGraceMs: 200,
    });
    const pids = await pidsFrom(pidFile);
    const r = await run;
    expect(r).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: "SIGKILL" });
    expect(r.output).toContain("hang-agent: waiting forever");
    await expectDead(pids);
  });

  it("on abort kills the whole process group", async () => {
    const pidFile = join(dir, "abort.pids");
    const controller = new AbortController();
    const run = runCommand({
      ...base,
      argv: [agent("hang-agent.mjs")],
      env: { ...process.env, HANG_AGENT_PID_FILE: pidFile },
      signal: controller.signal,
      killGraceMs: 200,
    });
    const pids = await pidsFrom(pidFile);
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    await expectDead(pids);
  });

  it("does not start at all when the signal is already aborted", async () => {
    const marker = join(dir, "never-written");
    const r = await runCommand({
      ...base,
      argv: ["sh", "-c", `touch ${marker}`],
      signal: AbortSignal.abort(),
    });
    expect(r.aborted).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it("killAllCommands ends every running command", async () => {
    const pidFile = join(dir, "killall.pids");
    const run = runCommand({
      ...base,
      argv: [agent("hang-agent.mjs")],
      env: { ...process.env, HANG_AGENT_PID_FILE: pidFile },
      killGraceMs: 200,
    });
    const pids = await pidsFrom(pidFile);
    expect(killAllCommands()).toBeGreaterThanOrEqual(1);
    const r = await run;
    expect(r.exitCode).toBeNull();
    await expectDead(pids);
  });

  it("kills what a command leaves running in its group when it exits by itself", async () => {
    const r = await runCommand({
      ...base,
      argv: ["sh", "-c", "sleep 1000 & echo $!"],
      killGraceMs: 200,
    });
    expect(r.exitCode).toBe(0);
    await expectDead([Number(r.stdout.trim())]);
  });

  it("keeps only the last maxOutputBytes of 20 MiB of output and logs all of it", async () => {
    const logFile = join(dir, "noisy.log");
    const r = await runCommand({
      ...base,
      argv: [agent("noisy-agent.mjs")],
      logFile,
    });
    expect(r.exitCode).toBe(0);
    expect(r.totalBytes).toBe(20 * 1024 * 1024);
    expect(Buffer.byteLength(r.output)).toBe(1024 * 1024);
    expect(r.output.trimEnd().endsWith(`END-OF-NOISE${".".repeat(1023 - 12)}`)).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBe(64 * 1024);
    expect(statSync(logFile).size).toBe(20 * 1024 * 1024);
  });

  it("caps the log file with a note when maxLogBytes is reached", async () => {
    const logFile = join(dir, "capped.log");
    const r = await runCommand({
      ...base,
      argv: [agent("noisy-agent.mjs")],
      logFile,
      maxLogBytes: 4096,
    });
    expect(r.totalBytes).toBe(20 * 1024 * 1024);
    const log = readFileSync(logFile, "utf8");
    expect(log.startsWith("x".repeat(1023))).toBe(true);
    expect(log).toContain("[orchestrate: log truncated after 4096 bytes]");
    expect(statSync(logFile).size).toBeLessThan(4096 + 100);
  });
});
