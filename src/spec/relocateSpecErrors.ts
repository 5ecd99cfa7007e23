import type { SpecSection } from "./mergeSpecFiles.js";
import type { SpecError } from "./specError.js";

/**
 * Turns line numbers of a merged spec (mergeSpecFiles) back into lines of the file each came
 * from, so "line 140" becomes "docs/feature.md line 12".
 */
export function relocateSpecErrors(
  errors: readonly SpecError[],
  sections: readonly SpecSection[],
): SpecError[] {
  return errors.map((error) => {
    const line = error.line;
    if (line === undefined) return error;
    const section = sections.find((s) => line >= s.firstLine && line < s.firstLine + s.lineCount);
    if (!section?.file) return error;
    return { ...error, file: section.file, line: line - section.firstLine + 1 };
  });
}
