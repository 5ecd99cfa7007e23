import { appendFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Appends one verify run to the attempt folder's verify.log (a re-verify after a rebase adds a
 * second), so the operator has verify's output as well as the agent's. The output is already
 * bounded by runVerify; a failure to write is not the attempt's failure.
 */
export async function keepVerifyLog(
  attemptDir: string,
  command: string,
  v: { ok: boolean; exitCode: number | null; output: string },
): Promise<void> {
  const end = v.ok ? "[verify passed]" : `[verify failed: exit ${v.exitCode ?? "none"}]`;
  await appendFile(join(attemptDir, "verify.log"), `$ ${command}\n${v.output}\n${end}\n`).catch(
    () => undefined,
  );
}
