#!/usr/bin/env node
// Test agent: prints exactly 20 MiB to stdout in 1 KiB lines; the last line starts with
// END-OF-NOISE. Waits for the pipe to drain, like a real chatty CLI would be made to.
// NOISY_AGENT_EDIT=1 also writes "<task id>.txt", so the attempt has work to land.
import { writeFileSync } from "node:fs";

if (process.env.NOISY_AGENT_EDIT === "1") {
  writeFileSync(`${process.env.ORCHESTRATE_TASK_ID}.txt`, "done despite the noise\n");
}
const line = `${"x".repeat(1023)}\n`;
const last = `${"END-OF-NOISE".padEnd(1023, ".")}\n`;
const count = 20 * 1024;
for (let i = 0; i < count; i++) {
  if (!process.stdout.write(i === count - 1 ? last : line)) {
    await new Promise((resolve) => process.stdout.once("drain", resolve));
  }
}
