// Parses `git diff --full-index --no-renames` output into the per-file entries GitHub's
// "list pull request files" returns, plus the hunk ranges review comments must fall into.

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** the hunk's text, header included (GitHub's diff_hunk is cut from this) */
  text: string;
}

export interface DiffFile {
  filename: string;
  status: "added" | "removed" | "modified";
  additions: number;
  deletions: number;
  /** blob sha of the new side (of the old side for a removed file) */
  sha: string;
  /** everything from the first @@ on, like GitHub's `patch` */
  patch: string;
  hunks: DiffHunk[];
}

export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  const sections = text.split(/^diff --git /m).slice(1);
  for (const section of sections) {
    const lines = section.split("\n");
    const header = lines[0] ?? "";
    let filename = unquote(header.replace(/^a\/.* b\//, ""));
    let status: DiffFile["status"] = "modified";
    let sha = "";
    let i = 1;
    for (; i < lines.length && !(lines[i] ?? "").startsWith("@@"); i++) {
      const line = lines[i] ?? "";
      if (line.startsWith("new file mode")) status = "added";
      else if (line.startsWith("deleted file mode")) status = "removed";
      else if (line.startsWith("index ")) {
        const m = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line);
        if (m) sha = (status === "removed" ? m[1] : m[2]) ?? "";
      } else if (line.startsWith("+++ b/")) filename = unquote(line.slice(6));
      else if (line.startsWith("--- a/") && status === "removed") filename = unquote(line.slice(6));
    }
    const body = lines.slice(i);
    while (body.length > 0 && body[body.length - 1] === "") body.pop();
    const hunks: DiffHunk[] = [];
    let additions = 0;
    let deletions = 0;
    let current: DiffHunk | undefined;
    for (const line of body) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (m) {
        current = {
          oldStart: Number(m[1]),
          oldLines: m[2] === undefined ? 1 : Number(m[2]),
          newStart: Number(m[3]),
          newLines: m[4] === undefined ? 1 : Number(m[4]),
          text: line,
        };
        hunks.push(current);
        continue;
      }
      if (current) current.text += `\n${line}`;
      if (line.startsWith("+")) additions++;
      else if (line.startsWith("-")) deletions++;
    }
    files.push({ filename, status, additions, deletions, sha, patch: body.join("\n"), hunks });
  }
  return files;
}

function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path;
  }
}
