import type { GroupRecord, RunRecord, TaskRecord } from "./run.js";

/** The group PR's body: the checklist of its tasks, each linked to its commit, and the issue. */
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
    lines.push(`- [${done ? "x" : " "}] **${task.id}**: ${oneLine(task.title)}${commit}`);
  }
  const verified = tasks.filter((t) => t.verify || run.config.verify);
  if (verified.length > 0) {
    lines.push("", "### Verify");
    for (const task of verified) {
      lines.push(
        `- \`${oneLine(task.verify ?? run.config.verify ?? "")}\` passed for **${task.id}** before its push`,
      );
    }
  }
  lines.push(
    "",
    "Review threads on this pull request are followed: each is fixed or answered, then resolved.",
  );
  return lines.join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}
