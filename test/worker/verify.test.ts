import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bwrapIsolation } from "../../src/worker/isolation/bwrapIsolation.js";
import { runVerify, type VerifySandbox } from "../../src/worker/verify.js";
import { removeTempDirs, tempDir } from "./gitFixtures.js";

process.env.GIT_CONFIG_GLOBAL = "/dev/null";
process.env.GIT_CONFIG_NOSYSTEM = "1";

afterAll(removeTempDirs);

const sandbox = (): VerifySandbox => ({ isolation: bwrapIsolation(), homeDir: tempDir() });

describe("runVerify", () => {
  it("passes when the command exits 0, running through sh in the given directory", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "marker.txt"), "here\n");
    const r = await runVerify(
      'test -f marker.txt && echo "CI=$CI"',
      dir,
      30_000,
      undefined,
      sandbox(),
    );
    expect(r).toMatchObject({ ok: true, exitCode: 0 });
    expect(r.output).toContain("CI=true");
  });

  it("fails with the output tail when the command fails", async () => {
    const r = await runVerify(
      "echo 'expected 2, got 3' >&2; exit 1",
      tempDir(),
      30_000,
      undefined,
      sandbox(),
    );
    expect(r).toMatchObject({ ok: false, reason: "verify-failed", exitCode: 1, timedOut: false });
    expect(r.output).toContain("expected 2, got 3");
  });

  it("reports a command that does not exist as a configuration error", async () => {
    const r = await runVerify(
      "orchestrate-no-such-test-runner --all",
      tempDir(),
      30_000,
      undefined,
      sandbox(),
    );
    expect(r).toMatchObject({ ok: false, reason: "verify-missing", exitCode: 127 });
    expect(r.output).toMatch(/could not be found .*orchestrate\.yml/);
  });

  it("fails a verify that runs out of time", async () => {
    const r = await runVerify("sleep 600", tempDir(), 300, undefined, sandbox(), {
      killGraceMs: 100,
    });
    expect(r).toMatchObject({ ok: false, reason: "verify-failed", timedOut: true });
    expect(r.output).toContain("timed out");
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const run = runVerify(
      "echo started; sleep 600",
      tempDir(),
      60_000,
      controller.signal,
      sandbox(),
      { killGraceMs: 100 },
    );
    controller.abort();
    expect(await run).toMatchObject({ ok: false, reason: "aborted" });
  });

  it("runs in the sandbox: the directory is writable, the worker's files are not there", async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, "secret.txt"), "worker's\n");
    const r = await runVerify(
      `touch made.txt && test ! -e ${elsewhere}/secret.txt && test "$(ls /proc | grep -c '^[0-9]')" -lt 10`,
      dir,
      30_000,
      undefined,
      sandbox(),
    );
    expect(r).toMatchObject({ ok: true });
  });
});
