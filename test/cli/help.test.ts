import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// `orchestrate <command> --help`, as a person types it: every command answers, exit 0, with
// each of its options.
const cli = resolve("dist/src/cli.js");
const help = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });

const options: Record<string, string[]> = {
  plan: ["--config FILE", "--json", "--issue N", "--planner CMD", "-h, --help"],
  simulate: [
    "--spec FILE",
    "--agent CMD",
    "--verify CMD",
    "--config FILE",
    "--reviews FILE",
    "--timeout SECONDS",
    "--json",
    "-h, --help",
  ],
  server: ["-h, --help", "REDIS_URL"],
  worker: ["-h, --help", "REDIS_URL"],
};

describe("orchestrate --help", () => {
  for (const [command, listed] of Object.entries(options)) {
    it(`${command} --help lists its options`, () => {
      for (const flag of ["--help", "-h"]) {
        const result = help(command, flag);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: orchestrate ${command}`));
        for (const option of listed) expect(result.stdout).toContain(option);
      }
    });
  }

  it("names every command and how to get its options", () => {
    const result = help("--help");
    expect(result.status).toBe(0);
    for (const command of Object.keys(options)) expect(result.stdout).toContain(`  ${command}`);
    expect(result.stdout).toContain("orchestrate <command> --help");
  });
});
