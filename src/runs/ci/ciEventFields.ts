// What a CI webhook tells the `checks` job: the pull requests it names, or (a commit status)
// the branches whose head it is. Only the fields relied on are read.

interface PullRefs {
  pull_requests?: Array<{ number: number }>;
  app?: { slug?: string } | null;
}

export interface CiEventPayload {
  check_run?: PullRefs;
  check_suite?: PullRefs;
  workflow_run?: PullRefs;
  branches?: Array<{ name: string }>;
}

/**
 * The job's fields, or null when the event names no pull request and no branch. `app`: the
 * slug of the app whose check it is (the processor drops the App's own).
 */
export function ciEventFields(
  payload: CiEventPayload,
  event: string,
): { pullNumbers: number[]; branches: string[]; app: string | null } | null {
  const subject =
    event === "check_run"
      ? payload.check_run
      : event === "check_suite"
        ? payload.check_suite
        : event === "workflow_run"
          ? payload.workflow_run
          : undefined;
  const pullNumbers = [...new Set((subject?.pull_requests ?? []).map((p) => p.number))].slice(
    0,
    100,
  );
  const branches =
    event === "status" ? (payload.branches ?? []).map((b) => b.name).slice(0, 100) : [];
  if (pullNumbers.length === 0 && branches.length === 0) return null;
  return { pullNumbers, branches, app: subject?.app?.slug ?? null };
}
