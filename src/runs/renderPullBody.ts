import { codeSpan } from "../spec/escapeMarkdown.js";
import type { GroupRecord, RunRecord, TaskRecord } from "./run.js";
import { inlineText } from "./status/inlineText.js";
import { plainText } from "./status/plainText.js";
import { truncateText } from "./status/truncateText.js";

/**
 * The group PR's body: the checklist of its tasks, each linked to its commit, and the issue.
 * Titles and verify commands are shown like the status comment shows them: on one line, with
 * control and bidi characters (which could reorder a line as it is shown) made spaces.
 */
export function renderPullBody(
  run: RunRecord,
  group: GroupRecord,
  tasks: TaskRecord[],
  repoUrl: string,
  stack: string | null = null,
): string {
  const lines = [
    `Part of #${run.issueNumber}. Opened by Orchestrate for the **${group.name}** group of tasks.`,
    ...(stack ? ["", stack] : []),
    "",
    "### Tasks",
  ];
  for (const task of tasks) {
    const done = task.status === "complete";
    const commit = task.commit ? ` — ${repoUrl}/commit/${task.commit}` : "";
    lines.push(`- [${done ? "x" : " "}] **${task.id}**: ${inlineText(task.title, 200)}${commit}`);
  }
  const verified = tasks.filter((t) => t.verify || run.config.verify);
  if (verified.length > 0) {
    lines.push("", "### Verify");
    for (const task of verified) {
      lines.push(
        `- ${codeSpan(truncateText(plainText(task.verify ?? run.config.verify ?? ""), 200))} passed for **${task.id}** before its push`,
      );
    }
  }
  lines.push(
    "",
    "Review threads on this pull request are followed: each is fixed or answered, then resolved.",
  );
  return fitComment(lines);
}

/** GitHub refuses a body over 65,536 characters: cut whole lines, and say so. */
const BODY_LIMIT = 65_536;

function fitComment(lines: string[]): string {
  const body = lines.join("\n");
  if (body.length <= BODY_LIMIT) return body;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > BODY_LIMIT - 200) break;
    kept.push(line);
    size += line.length + 1;
  }
  kept.push(
    "",
    `_${lines.length - kept.length} more lines left out: GitHub allows 65,536 characters in a pull request's body. The issue's status comment lists every task._`,
  );
  return kept.join("\n");
}
