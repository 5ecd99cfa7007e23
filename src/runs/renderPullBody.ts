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
): string {
  const lines = [
    `Part of #${run.issueNumber}. Opened by Orchestrate for the **${group.name}** group of tasks.`,
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
  return lines.join("\n");
}
