#!/usr/bin/env node
// Test agent: fails without touching anything.
console.log("fail-agent: looking at the task");
console.error("fail-agent: something broke");
process.exit(1);
