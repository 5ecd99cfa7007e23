import type { SpecError } from "./specError.js";

/**
 * Errors in the order a person reads the spec: by line, errors without a line last. The sort is
 * stable, so errors on one line keep the order the rules found them in.
 */
export function sortSpecErrors(errors: readonly SpecError[]): SpecError[] {
  return errors
    .map((error): SpecError => {
      if (error.line !== undefined) return error;
      const { line: _line, ...rest } = error;
      return rest;
    })
    .sort((a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY));
}
