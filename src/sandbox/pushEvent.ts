import { BareRepo } from "./git/bareRepo.js";
import { fullName } from "./rest/issueEvent.js";
import { repoUrls } from "./shapes/repoUrls.js";
import type { SandboxRepo, SandboxState } from "./state.js";
import { buildEvent } from "./webhookDriver.js";

const ZERO = "0000000000000000000000000000000000000000";
/** GitHub lists at most 20 commits in a push payload (`commits`). */
const PUSH_COMMITS = 20;

export interface BranchMove {
  branch: string;
  /** ZERO for a created branch */
  before: string;
  /** ZERO for a deleted branch */
  after: string;
}

/**
 * The branches that moved since the last look (a push, the refs API, a merge), remembered on
 * the repository; the first look at a repository only records its branches.
 */
export function branchMoves(repo: SandboxRepo, heads: Map<string, string>): BranchMove[] {
  const seen = repo.branchHeads;
  repo.branchHeads = new Map(heads);
  if (!seen) return [];
  const moves: BranchMove[] = [];
  for (const [branch, after] of heads) {
    const before = seen.get(branch) ?? ZERO;
    if (before !== after) moves.push({ branch, before, after });
  }
  for (const [branch, before] of seen) {
    if (!heads.has(branch)) moves.push({ branch, before, after: ZERO });
  }
  return moves;
}

/** The `push` webhook for one moved branch: GitHub's example payload, pointed at the sandbox. */
export async function pushPayload(
  state: SandboxState,
  repo: SandboxRepo,
  move: BranchMove,
  sender: string,
): Promise<Record<string, unknown>> {
  const git = new BareRepo(repo.gitDir);
  const payload = buildEvent({ state }, "push", undefined, { repo: fullName(repo), sender });
  const { html } = repoUrls(state, repo);
  const created = move.before === ZERO;
  const deleted = move.after === ZERO;
  const forced = !created && !deleted && !(await git.isAncestor(move.before, move.after));
  const shas = deleted
    ? []
    : (await git.revList(created ? [move.after] : [`${move.before}..${move.after}`]))
        .slice(0, PUSH_COMMITS)
        .reverse();
  const commits = await Promise.all(shas.map(async (sha) => pushCommit(git, html, sha)));
  const repository = payload["repository"] as Record<string, unknown>;
  // A push payload's repository gives created_at and pushed_at as Unix seconds.
  const seconds = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
  return {
    ...payload,
    ref: `refs/heads/${move.branch}`,
    before: move.before,
    after: move.after,
    created,
    deleted,
    forced,
    base_ref: null,
    compare: created
      ? `${html}/commit/${move.after}`
      : `${html}/compare/${move.before.slice(0, 12)}...${move.after.slice(0, 12)}`,
    commits,
    head_commit: deleted
      ? null
      : (commits[commits.length - 1] ?? (await pushCommit(git, html, move.after))),
    pusher: { name: sender, email: `${sender}@users.noreply.github.com` },
    repository: {
      ...repository,
      created_at: seconds(repository["created_at"]),
      pushed_at: seconds(repository["pushed_at"]),
    },
  };
}

async function pushCommit(git: BareRepo, html: string, sha: string) {
  const c = await git.commit(sha);
  const person = (p: { name: string; email: string }) => ({ ...p, username: p.name });
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${html}/commit/${c.sha}`,
    author: person(c.author),
    committer: person(c.committer),
    added: [],
    removed: [],
    modified: [],
  };
}
