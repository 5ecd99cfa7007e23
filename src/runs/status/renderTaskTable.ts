import { GITHUB_COMMENT_LIMIT } from "../../spec/renderPlan.js";
import type { TaskRecord, TaskStatus } from "../run.js";
import { cellText } from "./cellText.js";
import { codeCell } from "./codeCell.js";
import { costCell } from "./costCell.js";
import { formatDuration } from "./formatDuration.js";
import { taskDuration } from "./taskDuration.js";
import { taskStatusLabel } from "./taskStatusLabel.js";
import { tokenCell } from "./tokenCell.js";

export interface TaskTableOptions {
  now: Date;
  /** longest title and report cell, in characters; long text is cut with `…` */
  titleChars: number;
  reportChars: number;
  /** characters the table may use; rows that do not fit are left out, with a note */
  maxChars?: number;
}

const HEADER = [
  "| Task | Group | Depends on | Status | Backend | Attempts | Duration | Tokens | Cost | Report |",
  "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
].join("\n");

/** Which rows stay when not all fit: what needs a person's eye first, finished work last. */
const interest: Record<TaskStatus, number> = {
  failed: 0,
  "needs-input": 1,
  in_progress: 2,
  ready: 3,
  pending: 4,
  complete: 5,
  cancelled: 6,
};

const DEPS_SHOWN = 5;
const NOTE_ROOM = 320;

/** The task table; tasks come in reading order and keep it even when rows are left out. */
export function renderTaskTable(tasks: readonly TaskRecord[], o: TaskTableOptions): string {
  const rows = tasks.map((task) => row(task, o));
  const maxChars = o.maxChars ?? GITHUB_COMMENT_LIMIT;
  const whole = [HEADER, ...rows].join("\n");
  if (whole.length <= maxChars) return whole;

  let room = maxChars - HEADER.length - NOTE_ROOM;
  const keep = new Set<number>();
  const byInterest = tasks
    .map((task, i) => ({ i, rank: interest[task.status] ?? 9 }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i);
  for (const { i } of byInterest) {
    const length = (rows[i]?.length ?? 0) + 1;
    if (length > room) break;
    keep.add(i);
    room -= length;
  }
  const left = tasks.filter((_, i) => !keep.has(i));
  const counts = new Map<string, number>();
  for (const task of left) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const detail = [...counts].map(([status, n]) => `${n} ${status.replace("_", " ")}`).join(", ");
  const note = `_${left.length} of ${tasks.length} tasks are not listed (${detail}), to keep this comment within GitHub's size limit; failed and running tasks are kept first._`;
  const kept = rows.filter((_, i) => keep.has(i));
  return kept.length > 0 ? [HEADER, ...kept, "", note].join("\n") : note;
}

/**
 * A running task shows when it started rather than a time that grows: a comment that changed
 * every refresh would be edited every 30 s for nothing, against GitHub's limit on writes.
 */
function durationCell(task: TaskRecord, duration: number | null): string {
  const start = task.startedAt ? new Date(task.startedAt) : null;
  if (task.status === "in_progress" && start && Number.isFinite(start.getTime())) {
    return `since ${start.toISOString().slice(11, 16)} UTC`;
  }
  return duration === null ? "—" : formatDuration(duration);
}

/**
 * `codex · gpt-5`: the backend of the last attempt and the model it said it used. A task whose
 * `backend:` the worker that took it does not offer ran on one it does: both are shown.
 */
function backendCell(task: TaskRecord): string {
  const backend = cellText(task.lastBackend ?? task.backend ?? "", 30);
  if (backend === "") return "—";
  const ran = task.lastModel ? `${backend} · ${cellText(task.lastModel, 40)}` : backend;
  const asked = task.backend;
  return asked && task.lastBackend && asked !== task.lastBackend
    ? `${ran} (asked: ${cellText(asked, 30)}, not offered)`
    : ran;
}

function row(task: TaskRecord, o: TaskTableOptions): string {
  const kind = task.kind === "review-thread" ? "💬 " : "";
  const deps = task.depends_on.slice(0, DEPS_SHOWN).map((d) => codeCell(d, 40));
  if (task.depends_on.length > DEPS_SHOWN)
    deps.push(`+${task.depends_on.length - DEPS_SHOWN} more`);
  const duration = taskDuration(task, o.now);
  const cells = [
    `${kind}${codeCell(task.id, 60)} ${cellText(task.title, o.titleChars)}`,
    cellText(task.group, 40),
    deps.join(", ") || "—",
    taskStatusLabel(task.status),
    backendCell(task),
    String(task.attempts),
    durationCell(task, duration),
    tokenCell(task.usage),
    costCell(task.usage),
    // A failure's first line is its summary; the output after it is for the failed-task list.
    cellText((task.report ?? "").split("\n")[0] ?? "", o.reportChars) || "—",
  ];
  return `| ${cells.join(" | ")} |`;
}
