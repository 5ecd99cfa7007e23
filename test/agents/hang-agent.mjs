#!/usr/bin/env node
// Test agent: never finishes and ignores SIGTERM, and so does the grandchild it starts (which
// shares our stdout, and carries `hang-agent-grandchild` in its argv). Writes "running" to
// HANG_AGENT_READY_FILE, and "<own pid> <grandchild pid>" to HANG_AGENT_PID_FILE, once both
// run. Both inherit this agent's environment, so a test finds them on the host by it: in the
// agent sandbox their own pids are the sandbox's (only a test running it directly can use them).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

process.on("SIGTERM", () => {});
const grandchild = spawn(
  process.execPath,
  ["-e", 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1e6);', "hang-agent-grandchild"],
  { stdio: "inherit" },
);
grandchild.once("spawn", () => {
  if (process.env.HANG_AGENT_PID_FILE) {
    writeFileSync(process.env.HANG_AGENT_PID_FILE, `${process.pid} ${grandchild.pid}\n`);
  }
  if (process.env.HANG_AGENT_READY_FILE) {
    writeFileSync(process.env.HANG_AGENT_READY_FILE, "running\n");
  }
  if (process.env.HANG_AGENT_PID_FILE) {
    writeFileSync(process.env.HANG_AGENT_PID_FILE, `${process.pid} ${grandchild.pid}\n`);
  }
});
console.log("hang-agent: waiting forever");
setInterval(() => {}, 1e6);
