#!/usr/bin/env node
// Bench agent: the smallest real change a task can land, at once. An implement task appends a
// line to "<task id>.txt"; a review-thread task appends its fix to "review-fixes.txt". Either
// way it writes its report, as every backend must. The task named BUDGET_AGENT_HOLD_TASK (every
// task when it is `*`) first waits BUDGET_AGENT_HOLD_MS, so a bench sees a run while an agent works.
import { appendFileSync, writeFileSync } from "node:fs";

const env = process.env;
const id = env.ORCHESTRATE_TASK_ID ?? "task";
if (id === env.BUDGET_AGENT_HOLD_TASK || env.BUDGET_AGENT_HOLD_TASK === "*") {
  await new Promise((resolve) => setTimeout(resolve, Number(env.BUDGET_AGENT_HOLD_MS ?? 0)));
}
const file = env.ORCHESTRATE_TASK_KIND === "review-thread" ? "review-fixes.txt" : `${id}.txt`;
appendFileSync(file, `change by ${id}\n`);
writeFileSync(env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null", `Appended a line to ${file}\n`);
