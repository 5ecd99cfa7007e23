/** Lines and characters of output a failure message keeps: enough to show the cause. */
export const TAIL_LINES = 30;
export const TAIL_CHARS = 4_000;

/**
 * The end of a command's output, where a failing test runner or shell prints the cause: the
 * last `TAIL_LINES` non-blank-trailing lines, at most `TAIL_CHARS` characters.
 */
export function outputTail(output: string): string {
  const lines = output.replace(/\r\n?/g, "\n").trimEnd().split("\n");
  let tail = lines.slice(-TAIL_LINES).join("\n");
  if (tail.length > TAIL_CHARS) tail = tail.slice(-TAIL_CHARS).replace(/^[^\n]*\n/, "");
  return tail;
}

/** The last line with something on it: the one-line cause shown beside a summary. */
export function lastOutputLine(output: string): string {
  const lines = output
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .filter((line) => line.trim() !== "");
  return (lines.at(-1) ?? "").trim().slice(0, 300);
}
