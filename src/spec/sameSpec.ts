const TICKED = /^([ \t]*[-*+][ \t]+)\[[xX]\]/gm;

/**
 * Whether two versions of an issue body hold the same spec: ticking or unticking a checklist
 * box (people tick the spec's tasks off as they land), line endings and trailing spaces change
 * no task, so they are no reason to plan again (a free-form spec's planner is a model call).
 */
export function sameSpec(a: string, b: string): boolean {
  const plain = (text: string) =>
    text
      .replace(/\r\n?/g, "\n")
      .replace(TICKED, "$1[ ]")
      .replace(/[ \t]+$/gm, "")
      .trimEnd();
  return plain(a) === plain(b);
}
