import { inlineText } from "./inlineText.js";

/** Untrusted text for a table cell: one escaped line, with `|` escaped even inside code spans. */
export function cellText(text: string, max: number): string {
  return inlineText(text, max).replace(/\|/g, "\\|");
}
