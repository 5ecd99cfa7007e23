import type { RunRecord, TaskRecord } from "../run.js";
import { blockedTasks } from "./blockedTasks.js";
import { codeCell } from "./codeCell.js";
import { plainText } from "./plainText.js";
import { renderTaskTable, type TaskTableOptions } from "./renderTaskTable.js";

const MARK: Record<TaskRecord["status"], string> = {
  pending: "⚪",
  ready: "🔵",
  in_progress: "🟡",
  "needs-input": "🟠",
  complete: "✅",
  failed: "❌",
  cancelled: "🚫",
};

/**
 * For a big run: one collapsed section per group, its summary line saying how far the group
 * got, holding the group's task table. When that is too long for `maxChars`: null, or with
 * `compact` each section holds a compact list of its tasks instead, then of its unfinished
 * tasks, and failing that only summary lines remain, groups needing attention first.
 */
export function renderGroupSections(
  run: RunRecord,
  tasks: readonly TaskRecord[],
  o: TaskTableOptions & { maxChars: number; compact: boolean },
): string | null {
  const blocked = blockedTasks(tasks);
  const names = [...new Set([...run.groups.map((g) => g.name), ...tasks.map((t) => t.group)])];
  const groups = names
    .map((name) => ({
      name,
      pull: run.groups.find((g) => g.name === name)?.pull ?? null,
      tasks: tasks.filter((t) => t.group === name),
    }))
    .filter((g) => g.tasks.length > 0);
  const summary = (g: (typeof groups)[number]) => {
    const n = (s: TaskRecord["status"]) => g.tasks.filter((t) => t.status === s).length;
    const parts = [`${n("complete")} of ${g.tasks.length} complete`];
    if (n("failed")) parts.push(`${n("failed")} failed`);
    if (n("in_progress")) parts.push(`${n("in_progress")} in progress`);
    if (n("needs-input")) parts.push(`${n("needs-input")} waiting for an answer`);
    const stuck = g.tasks.filter((t) => blocked.has(t.id)).length;
    if (stuck) parts.push(`${stuck} blocked`);
    if (g.pull !== null) parts.push(`#${g.pull}`);
    return `<b>${html(g.name)}</b> — ${parts.join(" · ")}`;
  };
  const heading = "#### Groups";
  const section = (g: (typeof groups)[number], body: string) =>
    `<details><summary>${summary(g)}</summary>\n\n${body}\n\n</details>`;
  const tables = groups.map((g) =>
    section(g, renderTaskTable(g.tasks, { ...o, maxChars: Infinity })),
  );
  const withTables = [heading, ...tables].join("\n\n");
  if (withTables.length <= o.maxChars) return withTables;
  if (!o.compact) return null;
  const list = (ts: readonly TaskRecord[]) =>
    ts.map((t) => `${MARK[t.status]} ${codeCell(t.id, 60)}`).join(" · ");
  const withLists = [heading, ...groups.map((g) => section(g, list(g.tasks)))].join("\n\n");
  if (withLists.length <= o.maxChars) return withLists;
  // Finished tasks are only counted (the summary says how many), the others still listed.
  const open = groups.map((g) => {
    const left = g.tasks.filter((t) => t.status !== "complete");
    return left.length === 0 ? `- ${summary(g)}` : section(g, list(left));
  });
  const withOpen = [heading, ...open].join("\n\n");
  if (withOpen.length <= o.maxChars) return withOpen;
  // Only summary lines, the groups needing attention first, as many as fit.
  const weight = (g: (typeof groups)[number]) =>
    g.tasks.some((t) => t.status === "failed")
      ? 0
      : g.tasks.some((t) => t.status === "in_progress")
        ? 1
        : g.tasks.some((t) => blocked.has(t.id))
          ? 2
          : 3;
  const ranked = groups
    .map((g, i) => ({ g, i, w: weight(g) }))
    .sort((a, b) => a.w - b.w || a.i - b.i);
  const lines = [heading, ""];
  let length = heading.length + 120;
  let shown = 0;
  for (const { g } of ranked) {
    const line = `- ${summary(g)}`;
    if (length + line.length + 1 > o.maxChars) break;
    lines.push(line);
    length += line.length + 1;
    shown++;
  }
  if (shown === 0) return "";
  if (shown < groups.length) {
    lines.push(`- _…and ${groups.length - shown} more groups, cut to fit this comment_`);
  }
  return lines.join("\n");
}

function html(text: string): string {
  return plainText(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
