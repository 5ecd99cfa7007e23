#!/usr/bin/env node
// Test agent: appends a line to a file (default: "<task id>.txt" in its working directory) and
// writes a report. EDIT_AGENT_READY/EDIT_AGENT_WAIT_FOR let a test hold it between its start
// and its edit, to order two attempts deterministically.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const env = process.env;
const prompt = readFileSync(env.ORCHESTRATE_PROMPT_FILE, "utf8");
if (env.EDIT_AGENT_READY) writeFileSync(env.EDIT_AGENT_READY, "ready\n");
if (env.EDIT_AGENT_WAIT_FOR) {
  while (!existsSync(env.EDIT_AGENT_WAIT_FOR)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const file = env.EDIT_AGENT_FILE ?? `${env.ORCHESTRATE_TASK_ID}.txt`;
const line = env.EDIT_AGENT_LINE ?? `done by ${env.ORCHESTRATE_TASK_ID}`;
appendFileSync(file, `${line}\n`);
writeFileSync(
  env.ORCHESTRATE_OUTPUT_FILE,
  `Appended "${line}" to ${file}. The work order began with: ${prompt.split("\n")[0]}\n`,
);
console.log("edit-agent: done");
