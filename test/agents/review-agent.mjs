#!/usr/bin/env node
// Test agent for review follow-up. An implement task appends to "<task id>.txt". A
// review-thread task changes nothing and explains when a reviewer asks "Question for you:"
// otherwise it appends the fix to "review-fixes.txt".
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";

const id = process.env.ORCHESTRATE_TASK_ID ?? "";
const prompt = readFileSync(process.env.ORCHESTRATE_PROMPT_FILE ?? "/dev/null", "utf8");
const out = process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null";
if (process.env.ORCHESTRATE_TASK_KIND !== "review-thread") {
  appendFileSync(`${id}.txt`, `done by ${id}\n`);
  writeFileSync(out, `Wrote ${id}.txt\n`);
} else if (/Question for you:/.test(prompt)) {
  writeFileSync(
    out,
    "NO CHANGE: the value is already validated by the caller, so no change is needed.\n",
  );
} else {
  appendFileSync("review-fixes.txt", `fix for ${id}\n`);
  writeFileSync(out, `Addressed the review in review-fixes.txt\n`);
}
