#!/usr/bin/env node
// Test agent: changes nothing and explains why, as a review-thread answer would.
import { writeFileSync } from "node:fs";

writeFileSync(
  process.env.ORCHESTRATE_OUTPUT_FILE,
  "NO CHANGE: the function already validates its input on line 3.\n",
);
