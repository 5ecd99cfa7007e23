import type { TaskRecord } from "../run.js";
import { capList } from "./capList.js";
import { codeCell } from "./codeCell.js";
import { inlineText } from "./inlineText.js";

/**
 * The tasks waiting for an answer to their agents' questions, each with the start of its
 * question (the whole one is in its own comment on the issue); empty when none waits.
 */
export function renderWaitingTasks(tasks: readonly TaskRecord[], cap: number): string {
  const waiting = tasks.filter((t) => t.status === "needs-input");
  if (waiting.length === 0) return "";
  return [
    "**Waiting for an answer:** these tasks asked a question in a comment on this issue:",
    "",
    ...capList(
      waiting.map(
        (t) =>
          `- ${codeCell(t.id, 60)} ${inlineText(t.title, 120)}: ${inlineText(t.question?.text ?? "", 300)}`,
      ),
      cap,
      (n) => `- _…and ${n} more tasks, cut to fit this comment_`,
    ),
    "",
    "The next comment of a maintainer on this issue answers them, and they run again with it.",
  ].join("\n");
}
