/**
 * Why `ref` is not a valid branch name, following `git check-ref-format --branch` (see
 * git-check-ref-format(1)), or undefined when it is valid. Returns the first problem as a phrase
 * that completes "the branch name …".
 */
export function refFormatProblem(ref: string): string | undefined {
  if (ref.length === 0) return "is empty";
  if (ref === "@") return 'is "@"';
  if (ref.startsWith("-")) return 'starts with "-"';
  if (ref.startsWith("/") || ref.endsWith("/")) return 'starts or ends with "/"';
  if (ref.includes("//")) return 'contains "//"';
  if (ref.includes("..")) return 'contains ".."';
  if (ref.includes("@{")) return 'contains "@{"';
  if (ref.endsWith(".")) return 'ends with "."';
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f) return "contains a control character";
    if (ch === " ") return "contains a space";
    if ("~^:?*[\\".includes(ch)) return `contains "${ch}"`;
  }
  for (const component of ref.split("/")) {
    if (component.startsWith(".")) return `has a part starting with "." ("${component}")`;
    if (component.endsWith(".lock")) return `has a part ending with ".lock" ("${component}")`;
  }
  return undefined;
}
