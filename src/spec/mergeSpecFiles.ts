import { codeLineMask } from "./codeLineMask.js";
import { findFencedBlocks } from "./findFencedBlocks.js";
import { findSpecFileRefs } from "./findSpecFileRefs.js";
import { normaliseSpecText } from "./normaliseSpecText.js";
import type { SpecError } from "./specError.js";

/** Where one piece of the merged text came from; lines are 1-based lines of the merged text. */
export interface SpecSection {
  /** Repository path; absent for the issue body. */
  file?: string;
  firstLine: number;
  lineCount: number;
}

export type MergedSpec =
  | { ok: true; text: string; sections: SpecSection[] }
  | { ok: false; errors: SpecError[] };

/**
 * Appends the spec files an issue body names (`spec: docs/feature.md`) to the body, so the whole
 * spec is parsed as one text. `files` maps each path to its content on the default branch, or
 * null when it does not exist. Parse the result with parseSpec, then pass its errors through
 * relocateSpecErrors so each names the file and line the person wrote. The merged text still
 * holds the `spec:` lines, so parseSpec reports the same `files` again: read files one level deep.
 * GitHub's size limit is the body's, so parse the merged text with a `maxBytes` that allows for
 * the files too (the CLI uses 65,536 bytes per part).
 */
export function mergeSpecFiles(
  body: string,
  files: Readonly<Record<string, string | null | undefined>>,
): MergedSpec {
  const text = normaliseSpecText(body);
  const lines = text.split("\n");
  const inCode = codeLineMask(findFencedBlocks(lines), lines.length);
  const { refs } = findSpecFileRefs(lines, (i) => inCode[i] === true);
  const paths = [...refs.map((ref) => ref.path)];
  for (const path of Object.keys(files)) if (!paths.includes(path)) paths.push(path);

  const errors: SpecError[] = [];
  for (const path of paths) {
    if (typeof files[path] === "string") continue;
    const line = refs.find((ref) => ref.path === path)?.line;
    errors.push({
      ...(line !== undefined ? { line } : {}),
      code: "spec_file_missing",
      message: `spec file "${path}" was not found on the default branch — fix the path or commit the file`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const sections: SpecSection[] = [{ firstLine: 1, lineCount: lines.length }];
  const parts = [text];
  let nextLine = lines.length + 1;
  for (const path of paths) {
    const content = normaliseSpecText(files[path] ?? "").replace(/\n+$/, "");
    // A blank line, then a marker line, then the file: the marker keeps the seam visible to
    // anyone reading the merged text (the planner, a log) and costs nothing to parse.
    parts.push(`\n<!-- orchestrate: spec file ${path} -->\n${content}`);
    const contentLines = content.split("\n").length;
    sections.push({ file: path, firstLine: nextLine + 2, lineCount: contentLines });
    nextLine += 2 + contentLines;
  }
  return { ok: true, text: parts.join("\n"), sections };
}
