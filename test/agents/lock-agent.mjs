#!/usr/bin/env node
// Test agent: edits a file, then leaves a stale index.lock in its working directory's git
// directory, as an agent killed in the middle of its own `git add` would. That repository is
// the agent's own: the worker takes its files without using its git directory, so the change
// lands anyway.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const gitDir = execFileSync("git", ["rev-parse", "--absolute-git-dir"], {
  encoding: "utf8",
}).trim();
writeFileSync(`${process.env.ORCHESTRATE_TASK_ID}.txt`, "half done\n");
writeFileSync(join(gitDir, "index.lock"), "");
console.log("lock-agent: left index.lock behind");
