/**
 * Control characters make ids, branch names and titles render invisibly or break terminals and
 * git. C0 controls, DEL and C1 controls are rejected; tab and newline are allowed only where the
 * caller says so (titles may wrap, ids may not).
 */
export interface ControlCharacter {
  /** `U+0007` */
  codePoint: string;
  /** 0-based index in the string */
  index: number;
}

export function findControlCharacter(
  text: string,
  allowed: { tab?: boolean; newline?: boolean } = {},
): ControlCharacter | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isControlCode(c)) continue;
    if (c === 0x09 && allowed.tab) continue;
    if (c === 0x0a && allowed.newline) continue;
    return { codePoint: codePointLabel(c), index: i };
  }
  return undefined;
}

export function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Shows a name that holds control characters without emitting them: `a{U+0007}b`. */
export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += isControlCode(c) ? `{${codePointLabel(c)}}` : ch;
  }
  return out;
}

/** C0 controls, DEL and C1 controls. */
export function isControlCode(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}
