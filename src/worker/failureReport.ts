/** What a task record keeps of a failure (its report and the next attempt's feedback). */
const MAX_CHARS = 8_000;

/**
 * A failed attempt as people read it: the stable reason code, which attempt on which backend,
 * and the cause on the first line (the status comment and `simulate` show that line), then the
 * end of the output. Past the bound the output's start is cut, never its end or the summary.
 */
export function failureReport(
  reason: string,
  detail: string,
  attempt: number,
  backend: string,
): string {
  const [first = "", ...rest] = detail.replace(/^\[…\]\n/, "").split("\n");
  // "none": the failure came before or around any backend (no backend configured, git failed).
  const on = backend === "none" ? "" : `, backend ${backend}`;
  const head = `${reason} (attempt ${attempt}${on}): ${first}`.slice(0, 1_000);
  let body = rest.join("\n").trimEnd();
  const room = MAX_CHARS - head.length - 5;
  if (body.length > room) body = `[…]\n${body.slice(-room).replace(/^[^\n]*\n/, "")}`;
  return body ? `${head}\n${body}` : head;
}
