import { BareRepo } from "../git/bareRepo.js";
import type { DiffFile } from "../git/parseDiff.js";
import type { PullStats } from "../shapes/pullJson.js";
import type { SandboxPull, SandboxRepo } from "../state.js";

// A pull request's diff is a pure function of its two commits, so it is computed once per
// (base, head) pair: pulls.get is called in every poll and would otherwise spawn git each time.

const CACHE_LIMIT = 500;
const diffs = new Map<string, Promise<DiffFile[]>>();
const counts = new Map<string, Promise<number>>();

function cached<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = make();
    // a failed git run must not stick in the cache
    value.catch(() => cache.delete(key));
    cache.set(key, value);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  return value;
}

/** The two commits a pull request compares: the base branch now, and the PR's head. */
export async function pullEnds(repo: SandboxRepo, pull: SandboxPull) {
  const git = new BareRepo(repo.gitDir);
  const base = (await git.resolve(`refs/heads/${pull.base}`)) ?? pull.baseSha ?? pull.headSha;
  return { git, base, head: pull.headSha };
}

export async function pullFiles(repo: SandboxRepo, pull: SandboxPull): Promise<DiffFile[]> {
  const { git, base, head } = await pullEnds(repo, pull);
  return cached(diffs, `${repo.gitDir}\0${base}\0${head}`, () => git.diff(base, head));
}

/** additions/deletions/changed_files/commits of the full pull-request object. */
export async function pullStats(repo: SandboxRepo, pull: SandboxPull): Promise<PullStats> {
  const { git, base, head } = await pullEnds(repo, pull);
  const key = `${repo.gitDir}\0${base}\0${head}`;
  const [files, commits] = await Promise.all([
    cached(diffs, key, () => git.diff(base, head)),
    cached(counts, key, () => git.commitCount(base, head)),
  ]);
  return {
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: files.length,
    commits,
  };
}
