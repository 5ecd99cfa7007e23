#!/usr/bin/env node
// Test agent that a test steers per task through marker files in SCRIPTED_AGENT_DIR:
//   hold-<task>    while it exists, the agent waits (after announcing itself)
//   fail-<task>    the agent exits 1 instead of editing
//   target-<task>  the file to append to (default "<task>.txt"), e.g. one file for two tasks
// It appends one line per start to started.log — {task, backend, pid, ppid, child} as JSON,
// ppid being the worker that ran it — and keeps its work order as prompt-<task>-<pid>.md, so a
// test can tell which worker ran what, how often, and with what feedback.
// SCRIPTED_AGENT_CHILD=1 starts a grandchild in its process group (a stop must kill it too);
// SCRIPTED_AGENT_IGNORE_TERM=1 ignores SIGTERM, so only the group's SIGKILL ends it.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const dir = env.SCRIPTED_AGENT_DIR;
const task = env.ORCHESTRATE_TASK_ID;
if (!dir || !task) throw new Error("scripted-agent needs SCRIPTED_AGENT_DIR and a task");
const marker = (kind) => join(dir, `${kind}-${task}`);

if (env.SCRIPTED_AGENT_IGNORE_TERM === "1") process.on("SIGTERM", () => {});
const child =
  env.SCRIPTED_AGENT_CHILD === "1"
    ? spawn(process.execPath, ["-e", "setInterval(() => {}, 1e6)"], { stdio: "ignore" })
    : null;
const prompt = readFileSync(env.ORCHESTRATE_PROMPT_FILE, "utf8");
writeFileSync(join(dir, `prompt-${task}-${process.pid}.md`), prompt);
appendFileSync(
  join(dir, "started.log"),
  `${JSON.stringify({ task, backend: env.AGENT_NAME ?? "", pid: process.pid, ppid: process.ppid, child: child?.pid ?? null })}\n`,
);

while (existsSync(marker("hold"))) await new Promise((resolve) => setTimeout(resolve, 50));

if (existsSync(marker("fail"))) {
  console.error(`scripted-agent: ${task} was told to fail`);
  process.exit(1);
}
const file = existsSync(marker("target"))
  ? readFileSync(marker("target"), "utf8").trim()
  : `${task}.txt`;
appendFileSync(file, `done by ${task}\n`);
writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `scripted-agent: appended to ${file}\n`);
child?.kill("SIGKILL");
