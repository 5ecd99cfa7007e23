#!/usr/bin/env node
// Test agent: records what it was given — environment, argv, cwd, stdin — as JSON in
// env-dump.json beside ORCHESTRATE_OUTPUT_FILE (the attempt folder), then writes a report.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const stdin = process.stdin.isTTY ? "" : readFileSync(0, "utf8");
const out = process.env.ORCHESTRATE_OUTPUT_FILE;
writeFileSync(
  join(dirname(out), "env-dump.json"),
  JSON.stringify({ env: process.env, argv: process.argv.slice(2), cwd: process.cwd(), stdin }),
);
writeFileSync(out, "env-agent: recorded my environment\n");
