import { findControlCharacter } from "./controlCharacter.js";
import type { SpecError } from "./specError.js";
import { SPEC_LIMITS } from "./specLimits.js";

export interface SpecFileRef {
  path: string;
  /** 1-based line of the `spec:` line that names it */
  line: number;
}

const REF_LINE = /^specs?\s*:\s*(.*)$/i;
const LIST_ITEM = /^\s*[-*+]\s+(\S.*)$/;

/**
 * Finds the repository files a spec pulls in: `spec: docs/feature.md`, `specs: a.md, b.md`, or
 * `specs:` followed by a list of paths. Only unindented lines outside code blocks count, and only
 * values that look like paths (one token with a `.` or `/`), so prose such as "Spec: TBD" stays
 * prose. Paths are repository-relative; anything that could escape the repository is an error.
 */
export function findSpecFileRefs(
  lines: readonly string[],
  inCode: (index: number) => boolean,
): { refs: SpecFileRef[]; errors: SpecError[] } {
  const refs: SpecFileRef[] = [];
  const errors: SpecError[] = [];
  const add = (raw: string, index: number): void => {
    const path = cleanPath(raw);
    const problem = pathProblem(path);
    if (problem) {
      errors.push({
        line: index + 1,
        code: "bad_spec_file",
        message: `spec file "${raw}" ${problem} — name a file by its path from the repository root, e.g. "docs/feature.md"`,
      });
    } else if (!refs.some((ref) => ref.path === path)) {
      refs.push({ path, line: index + 1 });
    }
  };

  for (let i = 0; i < lines.length; i++) {
    if (inCode(i)) continue;
    const match = REF_LINE.exec(lines[i] ?? "");
    if (!match) continue;
    const value = (match[1] ?? "").trim();
    if (value === "") {
      // `specs:` introduces a list on the following lines.
      while (i + 1 < lines.length && !inCode(i + 1)) {
        const item = LIST_ITEM.exec(lines[i + 1] ?? "");
        if (!item || !looksLikePath(item[1] ?? "")) break;
        add((item[1] ?? "").trim(), i + 1);
        i++;
      }
      continue;
    }
    const items = value.split(",").map((item) => item.trim());
    if (items.every(looksLikePath)) for (const item of items) add(item, i);
  }

  if (refs.length > SPEC_LIMITS.maxSpecFiles) {
    errors.push({
      line: refs[SPEC_LIMITS.maxSpecFiles]?.line,
      code: "too_many_spec_files",
      message: `the spec names ${refs.length} files; at most ${SPEC_LIMITS.maxSpecFiles} are read — merge some of them`,
    });
  }
  return { refs, errors };
}

function looksLikePath(value: string): boolean {
  const path = cleanPath(value);
  return path.length > 0 && !/\s/.test(path) && /[./]/.test(path);
}

/** Accepts `path`, `` `path` ``, `<path>` and `[text](path)`; drops a leading `./`. */
function cleanPath(value: string): string {
  let path = value.trim();
  const link = /^\[[^\]]*\]\(([^)\s]+)\)$/.exec(path);
  if (link) path = link[1] ?? "";
  path = path.replace(/^`(.*)`$/, "$1").replace(/^<(.*)>$/, "$1");
  while (path.startsWith("./")) path = path.slice(2);
  return path;
}

function pathProblem(path: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return "is a URL, not a repository path";
  if (path.startsWith("/")) return "is an absolute path";
  if (path.includes("\\")) return 'contains "\\"';
  if (findControlCharacter(path)) return "contains a control character";
  const parts = path.split("/");
  if (parts.some((part) => part === "..")) return 'leaves the repository ("..")';
  if (parts.some((part) => part === "" || part === ".")) return "has an empty path segment";
  if (parts[0] === ".git") return "is inside .git";
  return undefined;
}
