#!/usr/bin/env node
// Test agent whose work passes the repository's verify only on some backends: it writes
// "<task>.txt" saying "broken by <backend>" when PICKY_BROKEN=1 (set in that backend's env) or
// when the task is listed in PICKY_ALWAYS_BROKEN, else "fixed by <backend>". It keeps each work
// order as PICKY_DIR/<task>-<backend>.prompt.md, so a test can read the feedback it was given.
// PICKY_SLEEP_MS makes every attempt take at least that long.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const task = env.ORCHESTRATE_TASK_ID;
const backend = env.AGENT_NAME ?? "unknown";
const broken =
  env.PICKY_BROKEN === "1" || (env.PICKY_ALWAYS_BROKEN ?? "").split(",").includes(task);
await new Promise((resolve) => setTimeout(resolve, Number(env.PICKY_SLEEP_MS ?? 0)));
if (env.PICKY_DIR) {
  writeFileSync(
    join(env.PICKY_DIR, `${task}-${backend}.prompt.md`),
    readFileSync(env.ORCHESTRATE_PROMPT_FILE, "utf8"),
  );
}
writeFileSync(`${task}.txt`, `${broken ? "broken" : "fixed"} by ${backend}\n`);
writeFileSync(env.ORCHESTRATE_OUTPUT_FILE, `picky-agent on ${backend}: wrote ${task}.txt\n`);
