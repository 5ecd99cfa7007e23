#!/usr/bin/env node
// Test agent: fails (exit 1) for the task ids listed in FAIL_TASKS — until the file named by
// PASS_WHEN_FILE exists, when given — otherwise appends a line to "<task id>.txt" like edit-agent.
// HOLD_TASKS/RELEASE_FILE hold some tasks until the test releases them.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";

const id = process.env.ORCHESTRATE_TASK_ID ?? "";
// Tasks in HOLD_TASKS wait until RELEASE_FILE exists, so a test can look at the run mid-way.
if ((process.env.HOLD_TASKS ?? "").split(",").includes(id)) {
  while (!existsSync(process.env.RELEASE_FILE ?? "")) await new Promise((r) => setTimeout(r, 20));
}
const pass = process.env.PASS_WHEN_FILE && existsSync(process.env.PASS_WHEN_FILE);
if ((process.env.FAIL_TASKS ?? "").split(",").includes(id) && !pass) {
  console.error(`selective-agent: told to fail ${id}`);
  process.exit(1);
}
appendFileSync(`${id}.txt`, `done by ${id}\n`);
writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null", `Wrote ${id}.txt\n`);
