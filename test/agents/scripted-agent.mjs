#!/usr/bin/env node
// Test agent that a test steers per task through marker files in SCRIPTED_AGENT_DIR:
//   hold-<task>    while it exists, the agent waits (after announcing itself)
//   fail-<task>    the agent exits 1 instead of editing
//   target-<task>  the file to append to (default "<task>.txt"), e.g. one file for two tasks
// A `conflict` task's agent resolves every conflict in its directory instead, keeping both
// sides (this branch's lines, then the base's) without the markers.
// It appends one line per start to started.log (and the task's id to finished.log when its
// edit is made) — {task, backend, id, child} as JSON, id being
// unique to the start — and keeps its work order as prompt-<task>-<id>.md, so a test can tell
// how often a task ran and with what feedback. (Its own pid is its sandbox's, the same for
// every agent; a test finds which worker ran it from the host's /proc, by its environment.)
// SCRIPTED_AGENT_CHILD=1 starts a grandchild, `scripted-agent-child <id>` in its argv (a stop
// must kill it too); SCRIPTED_AGENT_IGNORE_TERM=1 ignores SIGTERM, so only SIGKILL ends it.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const env = process.env;
const dir = env.SCRIPTED_AGENT_DIR;
const task = env.ORCHESTRATE_TASK_ID;
if (!dir || !task) throw new Error("scripted-agent needs SCRIPTED_AGENT_DIR and a task");
const marker = (kind) => join(dir, `${kind}-${task}`);
const id = randomUUID();

if (env.SCRIPTED_AGENT_IGNORE_TERM === "1") process.on("SIGTERM", () => {});
const child =
  env.SCRIPTED_AGENT_CHILD === "1"
    ? spawn(process.execPath, ["-e", "setInterval(() => {}, 1e6)", "scripted-agent-child", id], {
        stdio: "ignore",
      })
    : null;
const prompt = readFileSync(env.ORCHESTRATE_PROMPT_FILE, "utf8");
writeFileSync(join(dir, `prompt-${task}-${id}.md`), prompt);
appendFileSync(
  join(dir, "started.log"),
  `${JSON.stringify({ task, backend: env.AGENT_NAME ?? "", id, child: child !== null })}\n`,
);

while (existsSync(marker("hold"))) await new Promise((resolve) => setTimeout(resolve, 50));

if (existsSync(marker("fail"))) {
  console.error(`scripted-agent: ${task} was told to fail`);
  process.exit(1);
}
if (env.ORCHESTRATE_TASK_KIND === "conflict") {
  const resolved = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (resolveConflicts(path)) resolved.push(path);
    }
  };
  walk(".");
  writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `scripted-agent: resolved ${resolved.join(", ")}\n`);
  appendFileSync(join(dir, "finished.log"), `${task}\n`);
  process.exit(0);
}

function resolveConflicts(path) {
  const text = readFileSync(path, "utf8");
  if (!/^<{7}/m.test(text)) return false;
  const out = [];
  let side = null;
  for (const line of text.split("\n")) {
    if (/^<{7}/.test(line)) side = "ours";
    else if (side === "ours" && /^={7}$/.test(line)) side = "theirs";
    else if (side && /^>{7}/.test(line)) side = null;
    else out.push(line);
  }
  writeFileSync(path, out.join("\n"));
  return true;
}

const file = existsSync(marker("target"))
  ? readFileSync(marker("target"), "utf8").trim()
  : `${task}.txt`;
appendFileSync(file, `done by ${task}\n`);
writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `scripted-agent: appended to ${file}\n`);
child?.kill("SIGKILL");
appendFileSync(join(dir, "finished.log"), `${task}\n`);
