import { codeSpan } from "../../spec/escapeMarkdown.js";
import type { GroupRecord, TaskRecord } from "../run.js";
import { isOpenTask } from "../runMachine.js";
import { inlineText } from "./inlineText.js";
import { plainText } from "./plainText.js";

/**
 * How a group's PR stands against its moved base, for the status comment, while it matters:
 * behind and left alone (`update: never`), being caught up (or its conflicts resolved), caught
 * up, or a catch-up that failed. Null when the base never moved under the PR.
 */
export function baseLine(group: GroupRecord, tasks: readonly TaskRecord[]): string | null {
  const base = group.catchUp;
  if (!base) return null;
  const branch = codeSpan(plainText(base.branch));
  const commits = `${base.behindBy} commit${base.behindBy === 1 ? "" : "s"}`;
  const note = base.note ? ` (${inlineText(base.note, 240)})` : "";
  if (base.state === "behind") {
    return `_behind ${branch} by ${commits}; \`update: never\` leaves it to you (the PR's **Update branch** button, or \`update: merge\` in .github/orchestrate.yml)${note}_`;
  }
  const task = tasks.find((t) => t.id === base.task);
  const id = codeSpan(plainText(base.task ?? ""));
  if (!task || isOpenTask(task.status)) {
    return task?.kind === "conflict"
      ? `_conflicts with ${branch}: task ${id} has an agent resolve them, verified before it is pushed${note}_`
      : `_behind ${branch} by ${commits}: task ${id} merges it, verified before it is pushed${note}_`;
  }
  if (task.status === "complete") {
    const at = task.commit ? ` in ${codeSpan(task.commit.slice(0, 12))}` : "";
    return `_caught up with ${branch}${at}${note}_`;
  }
  return `_not caught up with ${branch}: task ${id} ${task.status === "failed" ? "failed" : "stopped"}; see it below${note}_`;
}
