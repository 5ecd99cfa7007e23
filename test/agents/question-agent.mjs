#!/usr/bin/env node
// Test agent that asks before it works: while its work order has no answers from the
// maintainers, it edits `<task>.txt` (a change that must be dropped) and reports a question
// (QUESTION_AGENT_TEXT, by default one that tries to mention someone and close an issue).
// Once answered, it writes the "## Answers from the maintainers" section of its work order to
// `<task>.txt` and reports that. QUESTION_AGENT_DIR, when set, keeps every work order it got
// as prompt-<task>-<n>.md; QUESTION_AGENT_ASKS, when set, names the tasks (comma-separated)
// that ask — the others do their work at once.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const task = env.ORCHESTRATE_TASK_ID;
const prompt = readFileSync(env.ORCHESTRATE_PROMPT_FILE, "utf8");
const dir = env.QUESTION_AGENT_DIR;
if (dir && existsSync(dir)) {
  const n = readdirSync(dir).filter((f) => f.startsWith(`prompt-${task}-`)).length + 1;
  writeFileSync(join(dir, `prompt-${task}-${n}.md`), prompt);
}
const heading = "## Answers from the maintainers";
const at = prompt.indexOf(heading);
const asks =
  env.QUESTION_AGENT_ASKS === undefined || env.QUESTION_AGENT_ASKS.split(",").includes(task);
if (at === -1 && asks) {
  writeFileSync(`${task}.txt`, "a guess that must not be pushed\n");
  const question =
    env.QUESTION_AGENT_TEXT ??
    "Which colour should the button be?\nAsk @octocat if unsure; this closes #1.";
  writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `QUESTION: ${question}\n`);
} else {
  const rest = at === -1 ? "no question needed" : prompt.slice(at + heading.length);
  const end = rest.search(/\n## /);
  writeFileSync(`${task}.txt`, `${(end === -1 ? rest : rest.slice(0, end)).trim()}\n`);
  writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `question-agent: wrote the answer to ${task}.txt\n`);
}
