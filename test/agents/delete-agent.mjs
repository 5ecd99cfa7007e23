#!/usr/bin/env node
// Test agent: deletes its own working directory (the worktree) and exits successfully.
import { rmSync } from "node:fs";

rmSync(process.cwd(), { recursive: true, force: true });
console.log("delete-agent: removed my worktree");
