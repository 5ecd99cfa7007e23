import { escapeMarkdown } from "./escapeMarkdown.js";
import { formatError } from "./formatError.js";
import { GITHUB_COMMENT_LIMIT } from "./renderPlan.js";
import type { SpecError } from "./specError.js";

/**
 * Spec problems as a markdown list, one per line, each saying where and what to change. Cut
 * with a count when the list would not fit the budget (a GitHub comment by default).
 */
export function renderSpecErrors(
  errors: readonly SpecError[],
  opts: { maxChars?: number } = {},
): string {
  const maxChars = opts.maxChars ?? GITHUB_COMMENT_LIMIT;
  const items: string[] = [];
  let length = 0;
  for (const error of errors) {
    const item = `- ${escapeMarkdown(formatError(error))}`;
    if (length + item.length + 1 + 80 > maxChars) break;
    items.push(item);
    length += item.length + 1;
  }
  const cut = errors.length - items.length;
  if (cut > 0) items.push(`- _…and ${cut} more problems, cut to fit a GitHub comment._`);
  return `${items.join("\n")}\n`;
}
