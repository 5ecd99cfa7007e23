import type { z } from "zod";

/** A configuration problem a person can fix; `issues` names each field and what to write. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(
    readonly source: string,
    readonly issues: string[],
    options?: { cause?: unknown },
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  - ${i}`).join("\n")}`, options);
    this.name = "ConfigError";
  }
}

/** One line per zod issue, naming the field by its path: `limits.max_tasks: expected a number`. */
export function describeZodIssues(error: z.ZodError, hints: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || "(root)";
    const hint = hints[field] ? ` — ${hints[field]}` : "";
    return `${field}: ${issue.message}${hint}`;
  });
}
