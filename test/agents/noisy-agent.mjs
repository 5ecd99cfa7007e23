#!/usr/bin/env node
// Test agent: prints exactly 20 MiB to stdout in 1 KiB lines; the last line starts with
// END-OF-NOISE. Waits for the pipe to drain, like a real chatty CLI would be made to.
const line = `${"x".repeat(1023)}\n`;
const last = `${"END-OF-NOISE".padEnd(1023, ".")}\n`;
const count = 20 * 1024;
for (let i = 0; i < count; i++) {
  if (!process.stdout.write(i === count - 1 ? last : line)) {
    await new Promise((resolve) => process.stdout.once("drain", resolve));
  }
}
