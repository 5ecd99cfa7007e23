#!/usr/bin/env node
// Test agent that changes a CI workflow (and a file beside it), as a task that "fixes the
// build" would: .github/workflows/ci.yml and notes.md.
import { mkdirSync, writeFileSync } from "node:fs";

mkdirSync(".github/workflows", { recursive: true });
writeFileSync(".github/workflows/ci.yml", "on: push\njobs: {}\n");
writeFileSync("notes.md", "ci changed\n");
writeFileSync(process.env.ORCHESTRATE_OUTPUT_FILE ?? "/dev/null", "Changed the CI workflow\n");
