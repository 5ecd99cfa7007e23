import { performance } from "node:perf_hooks";
import { Probot, ProbotOctokit } from "probot";
import {
  type PullSeen,
  type RepoSeen,
  type ReviewThreadsClient,
  reviewThreadsClient,
} from "../src/github/reviewThreads.js";
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.js";
import { seedPulls } from "../src/sandbox/seedPulls.js";

// Review follow-up polling, side by side on one sandbox holding 1,000 pull requests (10
// repositories x 100, 3 threads of 2 comments each): GraphQL points and calls of one 30 s
// cycle at 10, 100 and 1,000 tracked PRs for
//   ours.steady      our poller when nothing changed,
//   ours.changed1pct our poller when a person replied in 1% of the PRs (at least one),
//   naive            one `reviewThreads(first: 100) { nodes { comments(first: 100) } }` per PR,
// plus what the first listing of N never-seen PRs costs (ours.cold), and the wall time of a
// 1,000-PR cycle (median of 5; the naive loop once, it spends 1,000 points a run). Retry and
// throttling are off: in production Probot lets one GraphQL call per second through per
// installation, which adds about a second per call to these times. Figures only.

const REPOS = 10;
const PULLS_PER_REPO = 100;
const SIZES = [10, 100, 1_000] as const;
const TIMED_RUNS = 5;
const NAIVE_CONCURRENCY = 8;

const NAIVE_THREADS_QUERY = `query NaiveThreads($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      updatedAt
      state
      reviewThreads(first: 100) {
        nodes {
          id
          isResolved
          isOutdated
          path
          line
          comments(first: 100) { nodes { id body createdAt author { login } } }
        }
      }
    }
  }
}`;

interface Ref {
  owner: string;
  repo: string;
  number: number;
}

/** What the caller of the poller keeps between cycles. */
interface Memory {
  seen: Map<string, PullSeen>;
  repos: Record<string, RepoSeen>;
}

export async function pollBench(): Promise<Record<string, number>> {
  const sandbox = await startSandbox();
  try {
    const { octokit, refs } = await seed(sandbox);
    const client = reviewThreadsClient(octokit);
    const figures: Record<string, number> = {};

    for (const size of SIZES) {
      const tracked = refs.slice(0, size);
      const memory: Memory = { seen: new Map(), repos: {} };
      const cold = await measure(sandbox, () => cycle(client, tracked, memory));
      figures[`reviewPoll.ours.cold.${size}.points`] = cold.points;
      await cycle(client, tracked, memory); // learns each repository's comment-feed ETag

      const steady = await measure(sandbox, () => cycle(client, tracked, memory));
      record(figures, `ours.steady.${size}`, steady, size);

      const changed = await replyInOnePercent(sandbox, tracked, 0);
      const touched = await measure(sandbox, () => cycle(client, tracked, memory));
      record(figures, `ours.changed1pct.${size}`, touched, size);
      figures[`reviewPoll.ours.changed1pct.${size}.pullsChanged`] = changed;
      figures[`reviewPoll.ours.changed1pct.${size}.pullsListed`] = touched.listed;
      await cycle(client, tracked, memory);

      const naive = await measure(sandbox, () => naiveCycle(octokit, tracked));
      record(figures, `naive.${size}`, naive, size);
    }

    const all = refs.slice(0, 1_000);
    const memory: Memory = { seen: new Map(), repos: {} };
    await cycle(client, all, memory);
    await cycle(client, all, memory);
    const steadyTimes: number[] = [];
    const changedTimes: number[] = [];
    for (let run = 0; run < TIMED_RUNS; run++) {
      steadyTimes.push((await measure(sandbox, () => cycle(client, all, memory))).ms);
      await replyInOnePercent(sandbox, all, run + 1);
      changedTimes.push((await measure(sandbox, () => cycle(client, all, memory))).ms);
    }
    figures["reviewPoll.ours.steady.1000.cycleMs.median"] = median(steadyTimes);
    figures["reviewPoll.ours.changed1pct.1000.cycleMs.median"] = median(changedTimes);
    figures["reviewPoll.naive.1000.cycleMs"] = (
      await measure(sandbox, () => naiveCycle(octokit, all))
    ).ms;
    return figures;
  } finally {
    await sandbox.close();
  }
}

async function seed(sandbox: Sandbox): Promise<{ octokit: ProbotOctokit; refs: Ref[] }> {
  const refs: Ref[] = [];
  let installationId = 0;
  for (let r = 0; r < REPOS; r++) {
    const repo = await sandbox.createRepo({ owner: "bench", name: `repo${r}` });
    installationId = repo.installationId;
    const pulls = await seedPulls(sandbox, {
      repo: `bench/repo${r}`,
      count: PULLS_PER_REPO,
      threadsPerPull: 3,
      commentsPerThread: 2,
    });
    for (const pull of pulls) refs.push({ owner: "bench", repo: `repo${r}`, number: pull.number });
  }
  const probot = new Probot({
    appId: sandbox.appId,
    privateKey: sandbox.privateKey,
    secret: "bench",
    baseUrl: sandbox.url,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o["throttle"] as object), enabled: false },
    })),
  });
  return { octokit: await probot.auth(installationId), refs };
}

function key(ref: Ref): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`;
}

/** One poll over `tracked`, remembering what it saw the way the app stores it; PRs listed. */
async function cycle(client: ReviewThreadsClient, tracked: Ref[], memory: Memory): Promise<number> {
  const result = await client.poll(
    tracked.map((ref) => ({ ...ref, seen: memory.seen.get(key(ref)) ?? null })),
    memory.repos,
  );
  for (const pull of result.pulls) memory.seen.set(key(pull), pull.seen);
  memory.repos = result.repos;
  return result.pulls.filter((p) => p.threads !== null).length;
}

async function naiveCycle(octokit: ProbotOctokit, tracked: Ref[]): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < tracked.length) {
      const ref = tracked[next++] as Ref;
      await octokit.graphql(NAIVE_THREADS_QUERY, {
        owner: ref.owner,
        name: ref.repo,
        number: ref.number,
      });
    }
  };
  await Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, worker));
  return tracked.length;
}

/** A person replies in one thread of every hundredth tracked PR (at least one). */
async function replyInOnePercent(sandbox: Sandbox, tracked: Ref[], round: number): Promise<number> {
  const step = 100;
  let replied = 0;
  for (let i = round % step; i < Math.max(tracked.length, 1); i += step) {
    const ref = tracked[Math.min(i, tracked.length - 1)] as Ref;
    const full = `${ref.owner}/${ref.repo}`;
    const thread = [...(sandbox.state.repos.get(full)?.threads.values() ?? [])].find(
      (t) => t.pullNumber === ref.number,
    );
    if (thread === undefined) continue;
    await sandbox.replyInThread(full, thread.id, "reviewer", `follow-up ${round}`);
    replied += 1;
  }
  return replied;
}

interface Measured {
  points: number;
  graphqlCalls: number;
  restCalls: number;
  rest304: number;
  listed: number;
  ms: number;
}

async function measure(sandbox: Sandbox, run: () => Promise<number>): Promise<Measured> {
  const points = sandbox.state.graphqlPoints;
  const from = sandbox.state.requests.length;
  const started = performance.now();
  const listed = await run();
  const ms = performance.now() - started;
  const requests = sandbox.state.requests.slice(from);
  const rest = requests.filter((r) => r.operation !== "graphql");
  return {
    points: sandbox.state.graphqlPoints - points,
    graphqlCalls: requests.length - rest.length,
    restCalls: rest.length,
    rest304: rest.filter((r) => r.status === 304).length,
    listed,
    ms,
  };
}

function record(figures: Record<string, number>, name: string, m: Measured, size: number): void {
  figures[`reviewPoll.${name}.points`] = m.points;
  figures[`reviewPoll.${name}.pointsPerPull`] = m.points / size;
  figures[`reviewPoll.${name}.graphqlCalls`] = m.graphqlCalls;
  figures[`reviewPoll.${name}.restCalls`] = m.restCalls;
  figures[`reviewPoll.${name}.rest304`] = m.rest304;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
