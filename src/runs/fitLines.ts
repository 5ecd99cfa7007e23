/**
 * `lines` joined, within `limit` characters: whole lines are kept from the top while they fit
 * with room for `more(left)`, the line that says how many were left out. GitHub refuses a body
 * past its documented maximum with a 422, so a long list must be cut, not sent.
 */
export function fitLines(
  lines: readonly string[],
  limit: number,
  more: (left: number) => string,
): string {
  const whole = lines.join("\n");
  if (whole.length <= limit) return whole;
  const kept: string[] = [];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    const note = more(lines.length - i).length + 2;
    if (size + line.length + 1 + note > limit) break;
    kept.push(line);
    size += line.length + 1;
  }
  return [...kept, "", more(lines.length - kept.length)].join("\n").slice(0, limit);
}
