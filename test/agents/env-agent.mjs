#!/usr/bin/env node
// Test agent: records what it was given — environment, argv, cwd, stdin — as JSON in
// env-dump.json beside ORCHESTRATE_OUTPUT_FILE (the io folder), or in ENV_AGENT_DUMP_DIR when
// set (a folder the test shares with the sandbox), then writes a report.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const stdin = process.stdin.isTTY ? "" : readFileSync(0, "utf8");
const out = process.env.ORCHESTRATE_OUTPUT_FILE;
writeFileSync(
  join(process.env.ENV_AGENT_DUMP_DIR ?? dirname(out), "env-dump.json"),
  JSON.stringify({ env: process.env, argv: process.argv.slice(2), cwd: process.cwd(), stdin }),
);
writeFileSync(out, "env-agent: recorded my environment\n");
