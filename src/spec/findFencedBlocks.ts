/** A fenced code block (``` or ~~~) in markdown text. Lines are 0-based indexes. */
export interface FencedBlock {
  /** First word of the info string, lower-cased: `yaml`, `json`, `mermaid`, or "" */
  lang: string;
  openLine: number;
  /** Index of the closing fence, or lines.length when the block runs to the end. */
  closeLine: number;
  /** The lines between the fences with the opening fence's indentation removed. */
  content: string[];
}

const OPEN = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;

/**
 * Finds fenced blocks the way CommonMark does closely enough for specs: a block closes at a fence
 * of the same character at least as long as the opening one, or runs to the end. Fences may be
 * indented (they often sit inside a list item), and their content is de-indented to match.
 */
export function findFencedBlocks(lines: readonly string[]): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPEN.exec(lines[i] ?? "");
    if (!open) {
      i++;
      continue;
    }
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? "```";
    const lang = (open[3] ?? "").toLowerCase();
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] ?? "")) end++;
    const content = lines.slice(i + 1, end).map((line) => stripIndent(line, indent));
    blocks.push({ lang, openLine: i, closeLine: end, content });
    i = end + 1;
  }
  return blocks;
}

function stripIndent(line: string, indent: number): string {
  let n = 0;
  while (n < indent && n < line.length && line[n] === " ") n++;
  return line.slice(n);
}
