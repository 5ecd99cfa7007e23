import { escapeMarkdown } from "../../spec/escapeMarkdown.js";
import { plainText } from "./plainText.js";

/**
 * `@login` that reads as a mention but does not notify: the status comment is edited many times,
 * and each edit would otherwise ping the person again.
 */
export function mention(login: string): string {
  return escapeMarkdown(`@${plainText(login)}`);
}
