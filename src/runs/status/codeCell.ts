import { codeSpan } from "../../spec/escapeMarkdown.js";
import { plainText } from "./plainText.js";
import { truncateText } from "./truncateText.js";

/** A name (task id, branch) as a code span that is safe in a table cell, whatever it holds. */
export function codeCell(text: string, max: number): string {
  return codeSpan(truncateText(plainText(text), max)).replace(/\|/g, "\\|");
}
