import { TASK_ID_PATTERN } from "../../spec/task.js";
import type { TaskRecord } from "../run.js";
import { capList } from "./capList.js";
import { checkboxLine } from "./checkboxLine.js";
import { codeCell } from "./codeCell.js";
import { inlineText } from "./inlineText.js";
import { renderOutputTail } from "./renderOutputTail.js";

/** Failed tasks that get the end of their output shown; the rest keep their one-line reason. */
const TAILS_SHOWN = 10;

/**
 * Each failed task with why it failed and a box that retries it. An id outside the task id
 * alphabet (only possible in hand-edited metadata) could break the hidden marker, so it is
 * listed without a box.
 */
export function renderFailedTasks(
  tasks: readonly TaskRecord[],
  o: { reasonChars: number; cap: number; tailLines?: number },
): string {
  const failed = tasks.filter((t) => t.status === "failed");
  if (failed.length === 0) return "";
  const items = failed.map((task, i) => {
    const why = task.report ?? task.lastFailure ?? "";
    // The first line is the summary (reason, attempt, backend, cause); the rest is output.
    const summary = why.split("\n")[0] ?? "";
    const reason = summary ? ` — ${inlineText(summary, o.reasonChars)}` : "";
    const line = TASK_ID_PATTERN.test(task.id)
      ? checkboxLine("retry", task.id, `Retry failed task \`${task.id}\`${reason}`)
      : `- ${codeCell(task.id, 60)}${reason}`;
    const tail =
      i < TAILS_SHOWN ? renderOutputTail(why, { lines: o.tailLines ?? 0, chars: 1_500 }) : "";
    return tail ? `${line}\n${tail}` : line;
  });
  return [
    "#### Failed tasks",
    "",
    "Tick a box to run a task again, or comment `/orchestrate retry <task-id>`. The worker that ran a task keeps the whole output of its last attempt in `logs/<owner>_<repo>_<issue>/<task-id>/last-attempt.log` under its data directory.",
    "",
    ...capList(
      items,
      o.cap,
      (n) => `- _…and ${n} more failed tasks: retry them with \`/orchestrate retry <task-id>\`_`,
    ),
  ].join("\n");
}
