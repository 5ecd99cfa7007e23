import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fenceAfter } from "./readmeFences.js";

// The README's "Try it" section, run as a new user would: its spec and agent saved as it says,
// its commands run as written by sh. Only `npx orchestrate` is pointed at the CLI the test
// setup compiled (the clone's own bin), and `npm ci` is already done.
const readme = readFileSync(resolve("README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Try it before installing anything"));

describe("the README's Try it section", () => {
  it("runs verbatim: the plan is printed and the simulated run ends done", () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrate-readme-"));
    const spec = fenceAfter(section, "save a spec as `spec.md`");
    const agent = fenceAfter(section, "Save a minimal agent as `my-agent.sh`");
    const commands = fenceAfter(section, "Then run:");
    expect([spec.lang, agent.lang, commands.lang]).toEqual(["markdown", "sh", "sh"]);
    writeFileSync(join(dir, "spec.md"), spec.body);
    writeFileSync(join(dir, "my-agent.sh"), agent.body);

    const run = runAsWritten(dir, commands.body);
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    expect(run.stdout).toContain("```mermaid");
    expect(run.stdout).toContain('"order"');
    expect(run.stdout).toMatch(/^Run done/m);
    for (const id of ["db-schema", "db-queries", "api-routes"]) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${id} +\\S+ +complete`, "m"));
    }
    expect(run.stdout).toContain("orchestrate/1-db ");
    expect(run.stdout).toContain("orchestrate/1-api ");
    // One pull request per group, each with the files its tasks' agent wrote.
    expect(run.stdout).toMatch(
      /^ {2}#\d+ {2}orchestrate\/1-db {2}\(2 files: db-queries\.txt, db-schema\.txt\)$/m,
    );
    expect(run.stdout).toMatch(/^ {2}#\d+ {2}orchestrate\/1-api {2}\(1 file: api-routes\.txt\)$/m);
  });

  it("runs its --ci example verbatim: CI fails on each pull request, a ci-fix task mends it, done", () => {
    const dir = mkdtempSync(join(tmpdir(), "orchestrate-readme-ci-"));
    const ci = section.slice(section.indexOf("`--ci CMD` plays GitHub Actions"));
    writeFileSync(join(dir, "spec.md"), fenceAfter(section, "save a spec as `spec.md`").body);
    const agent = fenceAfter(ci, "an agent `ci-agent.sh` that reads its");
    writeFileSync(join(dir, "ci-agent.sh"), agent.body);
    const commands = fenceAfter(ci, "a CI check that wants a");

    const run = runAsWritten(dir, commands.body);
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    expect(run.stdout).toMatch(/^Run done/m);
    expect(run.stdout).toMatch(/^ {2}#\d+ {2}orchestrate\/1-db {2}\(3 files: CHANGELOG\.md, /m);
    expect(run.stdout).toMatch(/^ {2}#\d+ {2}orchestrate\/1-api {2}\(2 files: CHANGELOG\.md, /m);
  });
});

/** Runs `commands` with sh, `npx orchestrate` being the CLI the test setup compiled. */
function runAsWritten(dir: string, commands: string) {
  const bin = join(dir, ".bin");
  mkdirSync(bin);
  const cli = resolve("dist/src/cli.js");
  writeFileSync(
    join(bin, "npx"),
    `#!/bin/sh\n[ "$1" = orchestrate ] || exit 99\nshift\nexec "${process.execPath}" "${cli}" "$@"\n`,
  );
  writeFileSync(join(bin, "npm"), `#!/bin/sh\n[ "$1" = ci ] || exit 99\n`);
  chmodSync(join(bin, "npx"), 0o755);
  chmodSync(join(bin, "npm"), 0o755);
  return spawnSync("sh", ["-e", "-c", commands], {
    cwd: dir,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: "utf8",
    timeout: 120_000,
  });
}
