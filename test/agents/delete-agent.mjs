#!/usr/bin/env node
// Test agent: deletes everything in its working directory, its repository included, and exits
// successfully. (The directory itself is the sandbox's mount point and cannot be removed.)
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

for (const entry of readdirSync(process.cwd())) {
  rmSync(join(process.cwd(), entry), { recursive: true, force: true });
}
console.log("delete-agent: removed my worktree");
