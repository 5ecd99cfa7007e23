import type { SandboxRepo } from "./state.js";

/** What a new repository holds, forks included: no issues, PRs, reviews or labels yet. */
export function emptyRepoContents(): Pick<
  SandboxRepo,
  | "labels"
  | "issues"
  | "pulls"
  | "issueComments"
  | "reviewComments"
  | "reviews"
  | "threads"
  | "reactions"
  | "checkRuns"
  | "nextNumber"
> {
  return {
    labels: new Map(),
    issues: new Map(),
    pulls: new Map(),
    issueComments: new Map(),
    reviewComments: new Map(),
    reviews: new Map(),
    threads: new Map(),
    reactions: [],
    checkRuns: new Map(),
    nextNumber: 1,
  };
}
