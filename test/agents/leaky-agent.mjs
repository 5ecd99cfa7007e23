#!/usr/bin/env node
// Test agent that tries to leak whatever it can reach into the repository: its whole
// environment, the git config of its worktree, and what `git remote -v` and the credential
// helper say. Orchestrate must have given it nothing secret to leak.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const run = (args) => {
  try {
    return execFileSync("git", args, {
      encoding: "utf8",
      input: "protocol=http\nhost=127.0.0.1\n\n",
    });
  } catch (error) {
    return String(error);
  }
};
writeFileSync(
  "leak.json",
  JSON.stringify(
    {
      env: process.env,
      config: run(["config", "--list", "--show-origin"]),
      remotes: run(["remote", "-v"]),
      credential: run(["credential", "fill"]),
    },
    null,
    2,
  ),
);
writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null", "Wrote leak.json\n");
