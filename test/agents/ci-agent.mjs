#!/usr/bin/env node
// Test agent for CI follow-up. An implement task writes "value.txt" = "broken" (the repository's
// check.js wants "fixed"; CI_AGENT_VALUE sets another). A ci-fix task writes "fixed" when its work order quotes the failed
// job's log — what check.js printed — or, with CI_AGENT_NEVER_FIXES=1, another wrong value.
import { readFileSync, writeFileSync } from "node:fs";

const kind = process.env.ORCHESTRATE_TASK_KIND;
const prompt = readFileSync(process.env.ORCHESTRATE_PROMPT_FILE ?? "/dev/null", "utf8");
const out = process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null";
if (kind !== "ci-fix") {
  writeFileSync("value.txt", `${process.env.CI_AGENT_VALUE ?? "broken"}\n`);
  writeFileSync(out, "Wrote value.txt\n");
} else if (process.env.CI_AGENT_NEVER_FIXES === "1") {
  writeFileSync("value.txt", `still wrong ${Date.now()}\n`);
  writeFileSync(out, "Tried another value\n");
} else if (/check\.js: expected "fixed"/.test(prompt)) {
  writeFileSync("value.txt", "fixed\n");
  writeFileSync(out, "value.txt now says fixed, as check.js wants\n");
} else {
  writeFileSync(out, "The work order did not say why CI failed\n");
  process.exit(1);
}
