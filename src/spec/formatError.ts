import type { SpecError } from "./specError.js";

/**
 * One line a person can act on: `line 12, task "api": depends on "db" which is not a task — …`.
 * Tasks without a usable id are named by position (`task #3`), so they are not quoted.
 */
export function formatError(e: SpecError): string {
  const where: string[] = [];
  if (e.line !== undefined) where.push(e.file ? `${e.file} line ${e.line}` : `line ${e.line}`);
  else if (e.file) where.push(e.file);
  if (e.task !== undefined)
    where.push(e.task.startsWith("#") ? `task ${e.task}` : `task "${e.task}"`);
  return where.length > 0 ? `${where.join(", ")}: ${e.message}` : e.message;
}
