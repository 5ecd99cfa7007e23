import { lastOutputLine, outputTail } from "./outputTail.js";

/**
 * Why verify failed: the command, its exit code (or that it timed out) and its last line on the
 * first line, then the end of its output — where test runners print what failed.
 */
export function verifyFailureDetail(
  command: string,
  v: { exitCode: number | null; timedOut: boolean; output: string },
): string {
  const how = v.timedOut
    ? "timed out"
    : v.exitCode !== null
      ? `failed with exit ${v.exitCode}`
      : "was killed";
  const last = lastOutputLine(v.output);
  const tail = outputTail(v.output);
  return `verify \`${command}\` ${how}${last ? `: ${last}` : ""}${tail ? `\n${tail}` : ""}`;
}
