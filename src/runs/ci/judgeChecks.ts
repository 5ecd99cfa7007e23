import type { HeadCheck } from "../../github/ciChecksPort.js";
import type { GroupCi } from "../run.js";

export type ChecksVerdict =
  /** some still run: waited for (past the timeout, the note says which) */
  | { kind: "wait"; ci: GroupCi }
  /** failed GitHub Actions jobs to re-run once before anything else */
  | { kind: "rerun"; ci: GroupCi; jobs: HeadCheck[]; failed: HeadCheck[] }
  /** failed: a `ci-fix` task, unless the rounds are spent */
  | { kind: "red"; ci: GroupCi; failed: HeadCheck[] }
  /** nothing failed and nothing runs (`none`: no check but the App's own) */
  | { kind: "green"; ci: GroupCi };

/**
 * What the checks on a pull request's head say, in one verdict. The App's own check run is
 * not CI; a check still queued or running is waited for, never guessed, and one running
 * longer than `timeoutMinutes` since this head was first seen is named in a note.
 */
export function judgeChecks(
  checks: readonly HeadCheck[],
  o: {
    headSha: string;
    appSlug: string;
    previous: GroupCi | undefined;
    rerunFailed: boolean;
    timeoutMinutes: number;
    now: Date;
  },
): ChecksVerdict {
  const others = checks.filter((c) => c.app !== o.appSlug);
  const previous = o.previous?.headSha === o.headSha ? o.previous : undefined;
  const since = previous?.since ?? o.now.toISOString();
  const base = {
    headSha: o.headSha,
    since,
    ...(previous?.rerun ? { rerun: previous.rerun } : {}),
  };
  const pending = others.filter((c) => c.state === "pending");
  if (pending.length > 0) {
    const names = pending.map((c) => c.name);
    const late = o.now.getTime() - Date.parse(since) >= o.timeoutMinutes * 60_000;
    return {
      kind: "wait",
      ci: {
        ...base,
        state: "pending",
        pending: names,
        ...(late ? { note: timeoutNote(names, o.timeoutMinutes) } : {}),
      },
    };
  }
  const failed = others.filter((c) => c.state === "failure");
  if (failed.length > 0) {
    const names = failed.map((c) => c.name);
    const again = o.rerunFailed
      ? failed.filter((c) => c.actionsJobId !== null && !(previous?.rerun ?? []).includes(c.name))
      : [];
    if (again.length > 0) {
      return {
        kind: "rerun",
        ci: {
          ...base,
          state: "pending",
          pending: again.map((c) => c.name),
          rerun: [...(previous?.rerun ?? []), ...again.map((c) => c.name)],
        },
        jobs: again,
        failed,
      };
    }
    return { kind: "red", ci: { ...base, state: "red", failing: names }, failed };
  }
  return { kind: "green", ci: { ...base, state: others.length > 0 ? "green" : "none" } };
}

/** The status comment's line for checks that have not finished in time. */
export function timeoutNote(names: readonly string[], minutes: number): string {
  const list = names.map((n) => `\`${n.replace(/`/g, "'")}\``).join(", ");
  return `${names.length === 1 ? "check" : "checks"} ${list} ${names.length === 1 ? "has" : "have"} not finished after ${minutes} minutes (\`ci.timeout_minutes\`); the run waits for ${names.length === 1 ? "it" : "them"} — re-run or cancel ${names.length === 1 ? "it" : "them"} on GitHub if ${names.length === 1 ? "it is" : "they are"} stuck`;
}
