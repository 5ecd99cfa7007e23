const invisible =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The lines after a failure report's summary (the end of the agent's or verify's output) as a
 * collapsed code block under a list item: the cause, readable, without flooding the comment.
 * The fence is longer than any run of backticks in the text, so the text cannot close it.
 */
export function renderOutputTail(report: string, o: { lines: number; chars: number }): string {
  if (o.lines <= 0) return "";
  const rest = report.split("\n").slice(1);
  let lines = rest
    .map((line) => line.replace(invisible, " ").trimEnd())
    .filter((line, i, all) => line !== "" || (i > 0 && i < all.length - 1));
  lines = lines.slice(-o.lines);
  while (lines.join("\n").length > o.chars && lines.length > 1) lines = lines.slice(1);
  const text = lines.join("\n").slice(-o.chars);
  if (text.trim() === "") return "";
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  const body = [
    "<details><summary>last lines of output</summary>",
    "",
    `${fence}text`,
    ...text.split("\n"),
    fence,
    "",
    "</details>",
  ];
  return body.map((line) => (line === "" ? "" : `  ${line}`)).join("\n");
}
