#!/usr/bin/env node
// Test agent: appends the arguments it was started with, as JSON, to "<task id>.txt" in its
// working directory, so a test sees in the pushed branch what argv each attempt got.
import { appendFileSync, writeFileSync } from "node:fs";

const argv = JSON.stringify(process.argv.slice(2));
appendFileSync(`${process.env.ORCHESTRATE_TASK_ID}.txt`, `${argv}\n`);
writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE, `Started with ${argv}.\n`);
