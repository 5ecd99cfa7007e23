import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { runCommand } from "../../src/worker/runCommand.js";
import { removeTempDirs, tempDir } from "./gitFixtures.js";

afterAll(removeTempDirs);

/** Processes of this machine whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker))
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// A stop can come at any moment of an agent's start, bubblewrap's own set-up included: nothing
// of the sandbox may outlive it (an agent left running keeps working, and spending, unseen).
describe("a sandboxed command stopped while it starts", () => {
  it("leaves no process behind, whenever in its start the stop comes", async () => {
    const sandbox = bwrapIsolation();
    const survivors: string[] = [];
    for (const delayMs of [0, 1, 2, 3, 4, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 70, 100, 150]) {
      const marker = `sandbox-stop-${randomUUID()}`;
      const dir = tempDir();
      const { argv, env } = sandbox.wrap({
        argv: [process.execPath, "-e", "setInterval(() => {}, 1e6)", marker],
        cwd: dir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
        writable: [dir],
        readOnly: [],
        network: false,
      });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("run stopped")), delayMs);
      const result = await runCommand({
        argv,
        cwd: dir,
        env,
        timeoutMs: 60_000,
        maxOutputBytes: 10_000,
        killGraceMs: 500,
        signal: controller.signal,
      });
      expect(result.aborted).toBe(true);
      const left = processesWith(marker);
      if (left.length > 0) {
        survivors.push(`stopped after ${delayMs} ms: ${left.join(", ")} still running`);
        for (const pid of left) process.kill(pid, "SIGKILL");
      }
    }
    expect(survivors).toEqual([]);
  });
});
