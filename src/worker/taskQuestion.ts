/** Longest question kept: it is quoted in a comment and in the next work order. */
export const MAX_QUESTION_CHARS = 4_000;

/**
 * The question in an agent's report, when the report's first line begins with `QUESTION:`
 * (the work order's convention for a task that cannot be done without a maintainer's answer):
 * the rest of that line and the lines after it. null for any other report, and for a marker
 * with nothing after it (no question to ask).
 */
export function taskQuestion(report: string): string | null {
  const match = /^\s*QUESTION:[ \t]*/i.exec(report.replace(/^\uFEFF/, ""));
  if (!match) return null;
  const text = report
    .replace(/^\uFEFF/, "")
    .slice(match[0].length)
    .trim();
  return text === "" ? null : text.slice(0, MAX_QUESTION_CHARS);
}
