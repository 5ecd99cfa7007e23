#!/usr/bin/env node
// Test agent: fails (exit 1) for the task ids listed in FAIL_TASKS — until the file named by
// PASS_WHEN_FILE exists, when given — otherwise appends a line to "<task id>.txt" like edit-agent.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";

const id = process.env.ORCHESTRATE_TASK_ID ?? "";
const pass = process.env.PASS_WHEN_FILE && existsSync(process.env.PASS_WHEN_FILE);
if ((process.env.FAIL_TASKS ?? "").split(",").includes(id) && !pass) {
  console.error(`selective-agent: told to fail ${id}`);
  process.exit(1);
}
appendFileSync(`${id}.txt`, `done by ${id}\n`);
writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null", `Wrote ${id}.txt\n`);
