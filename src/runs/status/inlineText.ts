import { escapeMarkdown } from "../../spec/escapeMarkdown.js";
import { plainText } from "./plainText.js";
import { truncateText } from "./truncateText.js";

/**
 * Untrusted text (titles, reports, questions, errors) as one line of literal markdown, cut to
 * `max` characters before escaping so a cut never lands inside an escape sequence.
 */
export function inlineText(text: string, max: number): string {
  return escapeMarkdown(truncateText(plainText(text), max));
}
