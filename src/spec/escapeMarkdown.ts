/**
 * Text from specs (titles, ids, messages quoting them) goes into GitHub comments, where it must
 * read literally: no accidental emphasis, HTML, headings, table breaks or @-mentions that would
 * notify people every time the status comment is edited. Code spans the text already has are
 * kept as they are, because GitHub shows their content literally anyway.
 */
export function escapeMarkdown(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  let out = "";
  let i = 0;
  while (i < flat.length) {
    if (flat[i] === "`") {
      const run = backtickRun(flat, i);
      const close = findClosingRun(flat, i + run, run);
      if (close !== -1) {
        out += flat.slice(i, close + run);
        i = close + run;
        continue;
      }
      out += "\\`".repeat(run);
      i += run;
      continue;
    }
    out += escapeChar(flat, i);
    i++;
  }
  return out;
}

/** A table cell: escaped text, and `|` escaped everywhere (GitHub needs it even in code spans). */
export function escapeTableCell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, "\\|");
}

/** A code span that survives any content, using a longer backtick fence than the content has. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function escapeChar(text: string, i: number): string {
  const ch = text[i] ?? "";
  switch (ch) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "@":
      // A zero-width space after "@" stops GitHub from turning it into a mention.
      return /[A-Za-z0-9]/.test(text[i + 1] ?? "") ? "@&#8203;" : "@";
    case "\\":
    case "*":
    case "_":
    case "[":
    case "]":
    case "~":
    case "#":
      return `\\${ch}`;
    default:
      return ch;
  }
}

function backtickRun(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === "`") n++;
  return n;
}

function findClosingRun(text: string, from: number, length: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === "`") {
      const run = backtickRun(text, i);
      if (run === length) return i;
      i += run;
    } else {
      i++;
    }
  }
  return -1;
}
