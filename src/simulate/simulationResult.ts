/** What `orchestrate simulate --json` prints: one object, stable field names. */
export interface SimulationResult {
  /** errors: why a spec was refused; questions: what the planner, or a waiting task's agent, asked */
  run: {
    state: string;
    reason: string | null;
    errors: string[];
    questions: string[];
    /** set when the simulation ended the run itself: `--timeout` passed, or it was interrupted */
    stopped: "timeout" | "aborted" | null;
  };
  /** where the agents' logs were kept, when the run did not end `done` (else deleted) */
  logs: string | null;
  tasks: Array<{
    id: string;
    group: string;
    kind: string;
    status: string;
    attempts: number;
    backend: string | null;
    commit: string | null;
    /** why a failed task failed: a one-line summary, then the end of the output */
    error: string | null;
    /** the whole output of its last attempt, when the logs were kept */
    log: string | null;
  }>;
  branches: Array<{ name: string; head: string }>;
  pulls: Array<{
    number: number;
    group: string;
    branch: string;
    /** the branch it is opened against: the default branch, or a parent group's (`stack`) */
    base: string;
    state: "open" | "closed" | "merged";
    /** how CI stood on its head at the end (null: no CI, or none seen) */
    ci: { state: string; failing: string[] } | null;
    files: string[];
  }>;
  threads: Array<{
    pull: number;
    path: string;
    line: number | null;
    author: string;
    isResolved: boolean;
    replies: Array<{ author: string; body: string }>;
  }>;
  github: { requests: number; graphqlPoints: number };
}
