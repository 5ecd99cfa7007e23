#!/usr/bin/env node
// Test agent: never finishes and ignores SIGTERM, and so does the grandchild it starts (which
// shares our stdout). Writes "<own pid> <grandchild pid>" to HANG_AGENT_PID_FILE once both run.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

process.on("SIGTERM", () => {});
const grandchild = spawn(
  process.execPath,
  ["-e", 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1e6);'],
  { stdio: "inherit" },
);
if (process.env.HANG_AGENT_PID_FILE) {
  writeFileSync(process.env.HANG_AGENT_PID_FILE, `${process.pid} ${grandchild.pid}\n`);
}
console.log("hang-agent: waiting forever");
setInterval(() => {}, 1e6);
