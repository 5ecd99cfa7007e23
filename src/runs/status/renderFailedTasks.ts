import { TASK_ID_PATTERN } from "../../spec/task.js";
import type { TaskRecord } from "../run.js";
import { capList } from "./capList.js";
import { checkboxLine } from "./checkboxLine.js";
import { codeCell } from "./codeCell.js";
import { inlineText } from "./inlineText.js";

/**
 * Each failed task with why it failed and a box that retries it. An id outside the task id
 * alphabet (only possible in hand-edited metadata) could break the hidden marker, so it is
 * listed without a box.
 */
export function renderFailedTasks(
  tasks: readonly TaskRecord[],
  o: { reasonChars: number; cap: number },
): string {
  const failed = tasks.filter((t) => t.status === "failed");
  if (failed.length === 0) return "";
  const items = failed.map((task) => {
    const why = task.report ?? task.lastFailure;
    const reason = why ? ` — ${inlineText(why, o.reasonChars)}` : "";
    return TASK_ID_PATTERN.test(task.id)
      ? checkboxLine("retry", task.id, `Retry failed task \`${task.id}\`${reason}`)
      : `- ${codeCell(task.id, 60)}${reason}`;
  });
  return [
    "#### Failed tasks",
    "",
    "Tick a box to run a task again, or comment `/orchestrate retry <task-id>`.",
    "",
    ...capList(
      items,
      o.cap,
      (n) => `- _…and ${n} more failed tasks: retry them with \`/orchestrate retry <task-id>\`_`,
    ),
  ].join("\n");
}
