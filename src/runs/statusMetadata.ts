import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { z } from "zod";
import { type RunRecord, type RunSnapshot, runKey, type TaskRecord } from "./run.js";
import { metadataSchema } from "./status/metadataSchema.js";
import { truncateText } from "./status/truncateText.js";

// The status comment carries the run as hidden metadata so a run can be rebuilt from GitHub
// when Redis is lost. The compact JSON is deflated (GitHub counts characters, and a run of
// 1,000 tasks must still fit one comment) and base64 keeps `-->` and any unicode from breaking
// the HTML comment it sits in.
const MARKER = "<!-- orchestrate:status";
const pattern = /<!-- orchestrate:status v2 ([A-Za-z0-9+/=]+) -->/;

/** Room the metadata takes by default, leaving the rest of a 65,536-character comment to people. */
const DEFAULT_MAX_CHARS = 24_000;
/** A hand-edited comment must not make the decoder inflate gigabytes. */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * How much task detail the comment had room for, most first. The encoder takes the first level
 * that fits; the rebuild reads what is missing from GitHub.
 * - `full`: everything `StatusMetadata` lists (reports cut to 200 characters).
 * - `short`: titles cut to 60 characters, commits to 12 hex digits, no reports.
 * - `structure`: ids, groups, dependencies, status, kind, attempts and priority only; titles
 *   are empty strings (re-read them from the spec).
 * - `tasks-dropped`: no tasks at all (re-plan the issue; branches and PRs tell what landed).
 * - `groups-dropped`: no groups either (find them by their `orchestrate/<N>-` branches).
 * Questions and spec errors are cut shorter, and fewer kept, at each level.
 */
export type MetadataDetail = z.infer<typeof metadataSchema>["d"];

/**
 * What the status comment keeps of a run. Always dropped: the repository config (re-read
 * `.github/orchestrate.yml`), the planner conversation (the questions and answers are comments
 * on the issue), and per task the description, verify command, backend choice and race count
 * (all from the spec, re-read from the issue) and `lastFailure`. Times keep whole seconds.
 */
export interface StatusMetadata {
  run: Omit<RunRecord, "config" | "conversation">;
  tasks: Array<Omit<TaskRecord, "description" | "verify" | "backend" | "race" | "lastFailure">>;
  detail: MetadataDetail;
}

type Compact = z.infer<typeof metadataSchema>;

interface Level {
  detail: MetadataDetail;
  /** longest title kept; 0 drops titles */
  titleChars: number;
  /** longest report kept; 0 drops reports */
  reportChars: number;
  /** hex digits of a commit kept; 0 drops commits */
  commitChars: number;
  /** start, finish and duration, and the backend of the last attempt */
  attemptDetail: boolean;
  /** longest question or spec error kept, and how many of each */
  textChars: number;
  textCap: number;
}

const levels: Level[] = [
  {
    detail: "full",
    titleChars: Number.POSITIVE_INFINITY,
    reportChars: 200,
    commitChars: 40,
    attemptDetail: true,
    textChars: 2000,
    textCap: 100,
  },
  {
    detail: "short",
    titleChars: 60,
    reportChars: 0,
    commitChars: 12,
    attemptDetail: true,
    textChars: 500,
    textCap: 50,
  },
  {
    detail: "structure",
    titleChars: 0,
    reportChars: 0,
    commitChars: 0,
    attemptDetail: false,
    textChars: 200,
    textCap: 20,
  },
  {
    detail: "tasks-dropped",
    titleChars: 0,
    reportChars: 0,
    commitChars: 0,
    attemptDetail: false,
    textChars: 200,
    textCap: 10,
  },
  {
    detail: "groups-dropped",
    titleChars: 0,
    reportChars: 0,
    commitChars: 0,
    attemptDetail: false,
    textChars: 200,
    textCap: 5,
  },
];

export function isStatusComment(body: string): boolean {
  return body.includes(MARKER);
}

/**
 * The hidden metadata line, at most `maxChars` long when any level of detail fits (the last
 * level, which holds no tasks and no groups, is returned whatever its length).
 */
export function encodeStatusMetadata(snapshot: RunSnapshot, o: { maxChars?: number } = {}): string {
  const maxChars = o.maxChars ?? DEFAULT_MAX_CHARS;
  let line = "";
  for (const level of levels) {
    const json = JSON.stringify(compact(snapshot, level));
    const packed = deflateRawSync(Buffer.from(json, "utf8"), { level: 9 }).toString("base64");
    line = `${MARKER} v2 ${packed} -->`;
    if (line.length <= maxChars) return line;
  }
  return line;
}

/** The run as the status comment keeps it, or null when the comment holds none (or a broken one). */
export function decodeStatusMetadata(body: string): StatusMetadata | null {
  const match = pattern.exec(body);
  if (!match?.[1]) return null;
  let raw: unknown;
  try {
    const json = inflateRawSync(Buffer.from(match[1], "base64"), {
      maxOutputLength: MAX_INFLATED_BYTES,
    }).toString("utf8");
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(raw);
  return parsed.success ? expand(parsed.data) : null;
}

function compact({ run, tasks }: RunSnapshot, level: Level): Compact {
  const created = Date.parse(run.createdAt);
  const seconds = (at: string | undefined) => {
    const t = at === undefined ? Number.NaN : Date.parse(at);
    return Number.isFinite(t) && Number.isFinite(created)
      ? Math.round((t - created) / 1000)
      : undefined;
  };
  const keepGroups = level.detail !== "groups-dropped";
  const keepTasks =
    level.detail === "full" || level.detail === "short" || level.detail === "structure";
  const groupIndex = new Map(run.groups.map((g, i) => [g.name, i]));
  const taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
  const text = (items: string[]) =>
    items.slice(0, level.textCap).map((s) => truncateText(s, level.textChars));
  return {
    v: 2,
    d: level.detail,
    o: run.owner,
    r: run.repo,
    n: run.issueNumber,
    in: run.installationId,
    s: run.state,
    re: run.reason === null ? null : truncateText(run.reason, 500),
    c: run.statusCommentId,
    by: run.startedBy,
    ...(run.stoppedBy !== undefined ? { sb: run.stoppedBy } : {}),
    og: run.origin,
    ca: run.createdAt,
    ua: run.updatedAt,
    q: text(run.questions),
    e: text(run.errors),
    aw: run.awaitingApproval,
    g: keepGroups
      ? run.groups.map((g) => ({
          n: g.name,
          b: g.branch,
          p: g.pull,
          ...(g.headRepo ? { hr: [g.headRepo.owner, g.headRepo.repo] as [string, string] } : {}),
          ...(g.note !== undefined ? { no: truncateText(g.note, 200) } : {}),
          ...(g.threads
            ? {
                th: [g.threads.open, g.threads.resolved, g.threads.ignored] as [
                  number,
                  number,
                  number,
                ],
              }
            : {}),
        }))
      : [],
    t: keepTasks
      ? tasks.map((t) => {
          const attempt = level.attemptDetail
            ? {
                b: t.lastBackend,
                st: seconds(t.startedAt),
                ft: seconds(t.finishedAt),
                du: t.durationMs === undefined ? undefined : Math.round(t.durationMs / 1000),
                // What was spent, so a rebuilt run's token and dollar budgets go on counting.
                m: t.lastModel,
                u: t.usage && {
                  i: t.usage.inputTokens,
                  o: t.usage.outputTokens,
                  ...(t.usage.costUsd !== undefined ? { c: t.usage.costUsd } : {}),
                  ...(t.usage.unpriced !== undefined ? { n: t.usage.unpriced } : {}),
                },
              }
            : {};
          return dropUndefined({
            i: t.id,
            g: (keepGroups ? groupIndex.get(t.group) : undefined) ?? t.group,
            d: t.depends_on.map((dep) => taskIndex.get(dep) ?? dep),
            t: level.titleChars > 0 ? truncateText(t.title, level.titleChars) : "",
            s: t.status,
            k: t.kind === "implement" ? undefined : t.kind,
            a: t.attempts,
            p: t.priority,
            c: level.commitChars > 0 ? t.commit?.slice(0, level.commitChars) : undefined,
            r:
              level.reportChars > 0 && t.report
                ? truncateText(t.report, level.reportChars)
                : undefined,
            ...attempt,
          });
        })
      : [],
  };
}

function expand(m: Compact): StatusMetadata {
  const created = Date.parse(m.ca);
  const at = (s: number | undefined) =>
    s === undefined || !Number.isFinite(created)
      ? undefined
      : new Date(created + s * 1000).toISOString();
  const groups = m.g.map((g) => ({
    name: g.n,
    branch: g.b,
    pull: g.p,
    ...(g.hr ? { headRepo: { owner: g.hr[0], repo: g.hr[1] } } : {}),
    ...(g.no !== undefined ? { note: g.no } : {}),
    ...(g.th ? { threads: { open: g.th[0], resolved: g.th[1], ignored: g.th[2] } } : {}),
  }));
  const tasks = m.t.map((t) =>
    dropUndefined({
      id: t.i,
      group: typeof t.g === "number" ? (groups[t.g]?.name ?? String(t.g)) : t.g,
      depends_on: t.d.map((d) => (typeof d === "number" ? (m.t[d]?.i ?? String(d)) : d)),
      title: t.t,
      status: t.s,
      kind: t.k ?? ("implement" as const),
      attempts: t.a,
      priority: t.p,
      lastBackend: t.b,
      commit: t.c,
      report: t.r,
      startedAt: at(t.st),
      finishedAt: at(t.ft),
      durationMs: t.du === undefined ? undefined : t.du * 1000,
      lastModel: t.m,
      usage: t.u && {
        inputTokens: t.u.i,
        outputTokens: t.u.o,
        ...(t.u.c !== undefined ? { costUsd: t.u.c } : {}),
        ...(t.u.n !== undefined ? { unpriced: t.u.n } : {}),
      },
    }),
  );
  return {
    run: dropUndefined({
      key: runKey(m.o, m.r, m.n),
      owner: m.o,
      repo: m.r,
      issueNumber: m.n,
      installationId: m.in,
      state: m.s,
      reason: m.re,
      statusCommentId: m.c,
      startedBy: m.by,
      stoppedBy: m.sb,
      origin: m.og,
      createdAt: m.ca,
      updatedAt: m.ua,
      questions: m.q,
      errors: m.e,
      awaitingApproval: m.aw,
      groups,
    }),
    tasks,
    detail: m.d,
  };
}

/** JSON drops undefined anyway; dropping it here keeps decoded records equal to the originals. */
function dropUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}
