import { READABLE_NODES } from "../spec/mermaidLimits.js";
import { GITHUB_COMMENT_LIMIT } from "../spec/renderPlan.js";
import type { RunSnapshot, TaskRecord } from "./run.js";
import { isActive, isEnded } from "./runMachine.js";
import { checkboxLine } from "./status/checkboxLine.js";
import { orderTasks } from "./status/orderTasks.js";
import { renderAttention } from "./status/renderAttention.js";
import { renderCommandsFooter } from "./status/renderCommandsFooter.js";
import { renderFailedTasks } from "./status/renderFailedTasks.js";
import { renderGroupSections } from "./status/renderGroupSections.js";
import { renderGroups } from "./status/renderGroups.js";
import { renderHeader } from "./status/renderHeader.js";
import { renderRunDiagram } from "./status/renderRunDiagram.js";
import { renderStateSection } from "./status/renderStateSection.js";
import { renderSummary } from "./status/renderSummary.js";
import { renderTaskTable } from "./status/renderTaskTable.js";
import { renderUsageLine } from "./status/renderUsageLine.js";
import { encodeStatusMetadata } from "./statusMetadata.js";

/**
 * How the comment gives up detail when it would be longer than GitHub accepts, one step at a
 * time: shorter cells, then no diagram, then capped lists and only the table rows that fit.
 */
interface Detail {
  titleChars: number;
  reportChars: number;
  diagram: boolean;
  /** most items in a list (failed tasks, groups, questions, spec errors) */
  listCap: number;
  /** cut table rows to fit what is left */
  fitTable: boolean;
}

const steps: Detail[] = [
  { titleChars: 120, reportChars: 200, diagram: true, listCap: Infinity, fitTable: false },
  { titleChars: 80, reportChars: 60, diagram: true, listCap: Infinity, fitTable: false },
  { titleChars: 80, reportChars: 60, diagram: false, listCap: Infinity, fitTable: false },
  { titleChars: 60, reportChars: 40, diagram: false, listCap: 25, fitTable: true },
];

/** Room kept for the hidden metadata; what it does not use goes to the visible part. */
const METADATA_MAX_CHARS = 24_000;

/**
 * The status comment: the run's face on the issue, edited in place for its whole life. Always
 * within GitHub's 65,536-character limit, with the run's hidden metadata at the end.
 * `now` times the tasks still running (default: the clock); `repoUrl` links the group branches.
 */
export function renderStatus(
  snapshot: RunSnapshot,
  o: { now?: Date; repoUrl?: string } = {},
): string {
  const now = o.now ?? new Date();
  const tasks = orderTasks(snapshot);
  // In reading order too, so the same run always gives the same comment (and no needless edit).
  const metadata = encodeStatusMetadata(
    { run: snapshot.run, tasks },
    { maxChars: METADATA_MAX_CHARS },
  );
  const room = GITHUB_COMMENT_LIMIT - metadata.length - 2;
  for (const detail of steps) {
    const body = renderBody(snapshot, tasks, detail, room, now, o.repoUrl);
    if (body !== null && body.length <= room) return `${body}\n\n${metadata}`;
  }
  // Only a run whose own lists are enormous even when capped gets here: say so, keep the data.
  const fallback = [
    renderHeader(snapshot),
    "_This run is too large to show in one comment; its state is kept below for Orchestrate._",
    renderCommandsFooter(),
  ].join("\n\n");
  return `${fallback.slice(0, room)}\n\n${metadata}`;
}

function renderBody(
  snapshot: RunSnapshot,
  tasks: TaskRecord[],
  detail: Detail,
  room: number,
  now: Date,
  repoUrl: string | undefined,
): string | null {
  const { run } = snapshot;
  const ended = isEnded(run.state);
  const top = [
    renderHeader(snapshot),
    renderStateSection(snapshot, detail.listCap),
    renderUsageLine(snapshot),
    ended && tasks.length > 0 ? renderSummary(snapshot, now) : "",
    renderFailedTasks(tasks, {
      reasonChars: detail.reportChars * 2,
      cap: detail.listCap,
      tailLines: detail.reportChars >= 200 ? 15 : 0,
    }),
    isActive(run.state) ? checkboxLine("stop", null, "Stop this run") : "",
    // A run that ended short of done can be run again from the box; finished work is kept.
    (run.state === "failed" || run.state === "stopped") && !run.unreachable
      ? checkboxLine("start", null, "Run again (finished tasks are kept; changed ones are redone)")
      : "",
    renderGroups(run, tasks, { repoUrl, cap: detail.listCap }),
  ].filter((part) => part !== "");
  const footer = renderCommandsFooter();
  if (tasks.length === 0) return [...top, footer].join("\n\n");

  const topLength = [...top, footer].join("\n\n").length;
  if (tasks.length > READABLE_NODES) {
    return renderLargeBody(run, tasks, detail, room - topLength - 4, now, top, footer);
  }
  // A step that keeps every row cannot fit when even the shortest rows would not: skip it
  // without building a diagram and a table only to throw them away.
  if (!detail.fitTable && topLength + minimumTableLength(tasks) > room) return null;

  const section = ["#### Tasks"];
  if (detail.diagram) {
    const diagram = renderRunDiagram(run, tasks);
    section.push("markdown" in diagram ? diagram.markdown : `_${diagram.omitted}._`);
  } else {
    section.push("_diagram omitted: too many tasks for one comment._");
  }
  const tableRoom = room - topLength - section.join("\n\n").length - 6;
  if (detail.fitTable && tableRoom < 400) return null;
  const table = renderTaskTable(tasks, {
    now,
    titleChars: detail.titleChars,
    reportChars: detail.reportChars,
    ...(detail.fitTable ? { maxChars: tableRoom } : {}),
  });
  section.push(table);
  return [...top, section.join("\n\n"), footer].join("\n\n");
}

/**
 * A run too big to read task by task: the diagram shows groups, then the tasks that need
 * attention (failed, in progress, blocked) and a collapsed section per group. `room` is what
 * the tasks part may use.
 */
function renderLargeBody(
  run: RunSnapshot["run"],
  tasks: TaskRecord[],
  detail: Detail,
  room: number,
  now: Date,
  top: string[],
  footer: string,
): string | null {
  // A diagram of groups is small whatever the run's size: it stays at every step.
  const diagram = renderRunDiagram(run, tasks);
  const section = [
    "#### Tasks",
    "markdown" in diagram ? diagram.markdown : `_${diagram.omitted}._`,
  ];
  const table = { now, titleChars: detail.titleChars, reportChars: detail.reportChars };
  let left = room - section.join("\n\n").length - 4;
  // What needs attention may take half of what is left; the groups' sections get the rest.
  const attention = renderAttention(tasks, {
    ...table,
    maxChars: Math.max(400, Math.floor(left / 2)),
  });
  left -= attention.length + 2;
  if (left < 0) return null;
  section.push(attention);
  // Full tables at this step's cell lengths, or the next step (shorter cells) is tried; only
  // the last step gives up the tables for compact lists.
  const groups = renderGroupSections(run, tasks, {
    ...table,
    maxChars: left,
    compact: detail.fitTable,
  });
  if (groups === null) return null;
  if (groups !== "") section.push(groups);
  return [...top, section.join("\n\n"), footer].join("\n\n");
}

/** A row holds at least its id, ten short cells and their separators. */
function minimumTableLength(tasks: readonly TaskRecord[]): number {
  return tasks.reduce((n, t) => n + t.id.length + 50, 0);
}
