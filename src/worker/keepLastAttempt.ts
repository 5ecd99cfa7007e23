import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Bounds of what the file keeps: the end of each log, where the cause is. */
const AGENT_LOG_BYTES = 768 * 1024;
const VERIFY_LOG_BYTES = 256 * 1024;

/**
 * Writes `<task>/last-attempt.log`: a header saying which attempt it was and how it ended, the
 * end of the agent's output and verify's output. One bounded file per task, replaced by each
 * attempt, so an operator finds a failure's whole story from the task id in the status comment
 * even after the per-attempt folders pile up. Never throws: it is a record, not the work.
 */
export async function keepLastAttempt(
  path: string,
  attemptDir: string,
  header: { taskId: string; attempt: number; backend: string; outcome: string },
): Promise<void> {
  const agent = await readTail(join(attemptDir, "agent.log"), AGENT_LOG_BYTES);
  const verify = await readTail(join(attemptDir, "verify.log"), VERIFY_LOG_BYTES);
  const text = [
    `task ${header.taskId}, attempt ${header.attempt}, backend ${header.backend}`,
    `outcome: ${header.outcome}`,
    `attempt folder: ${attemptDir}`,
    "",
    "=== agent output ===",
    agent ?? "(no output)",
    "",
    "=== verify ===",
    verify ?? "(verify did not run)",
    "",
  ].join("\n");
  await writeFile(path, text).catch(() => undefined);
}

async function readTail(path: string, bytes: number): Promise<string | null> {
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      const text = buffer.toString("utf8");
      return start > 0 ? `[… first ${start} bytes left out]\n${text}` : text;
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
}
