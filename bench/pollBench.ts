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
import { median } from "./stats.js";

// Review follow-up polling, side by side on one sandbox holding 10,000 pull requests (10
// installations x 10 repositories x 100 PRs, 3 threads of 2 comments each, written straight
// into the sandbox's state by seedPulls): per 30 s cycle at 10, 100, 1,000 and 10,000 tracked
// PRs, GraphQL points and calls, REST requests and how many were answered 304, for
//   ours.quiet       our poller when nothing changed,
//   ours.changed1pct our poller when a person replied in 1% of the PRs (at least one),
//   naive            one `reviewThreads(first: 100) { nodes { comments(first: 100) } }` per PR,
// plus what the first listing of N never-seen PRs costs (ours.cold). 10 and 100 PRs sit in one
// repository, 1,000 in one installation's 10, 10,000 in all 10 installations (polled one after
// the other, as the poll cycle does). Ours: medians of RUNS quiet and RUNS changed cycles;
// naive once (it spends a point per PR, and an installation has 5,000 an hour). Retry and
// throttling are off: in production Probot lets one GraphQL call per second through per
// installation, which adds about a second per call to these times. Figures only.

const INSTALLATIONS = 10;
const REPOS_PER_INSTALLATION = 10;
const PULLS_PER_REPO = 100;
const SIZES = [10, 100, 1_000, 10_000] as const;
const RUNS = 3;
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
  installationId: number;
  owner: string;
  repo: string;
  number: number;
}

interface Installation {
  octokit: ProbotOctokit;
  client: ReviewThreadsClient;
}

/** What the app keeps between cycles (Redis in production): per PR, and per installation. */
interface Memory {
  seen: Map<string, PullSeen>;
  repos: Map<number, Record<string, RepoSeen>>;
}

interface Measured {
  points: number;
  graphqlCalls: number;
  restCalls: number;
  rest304: number;
  listed: number;
  ms: number;
}

export async function pollBench(): Promise<Record<string, number>> {
  const sandbox = await startSandbox();
  try {
    const { installations, refs } = await seed(sandbox);
    const figures: Record<string, number> = {};

    for (const size of SIZES) {
      const tracked = refs.slice(0, size);
      const memory: Memory = { seen: new Map(), repos: new Map() };
      const cold = await measure(sandbox, () => cycle(installations, tracked, memory));
      figures[`reviewPoll.ours.cold.${size}.points`] = cold.points;
      await cycle(installations, tracked, memory); // learns each repository's two ETags

      const quiet: Measured[] = [];
      const changed: Measured[] = [];
      let pullsChanged = 0;
      for (let run = 0; run < RUNS; run++) {
        quiet.push(await measure(sandbox, () => cycle(installations, tracked, memory)));
        pullsChanged = await replyInOnePercent(sandbox, tracked, run);
        // A cycle comes 30 s after the last: the replies are a second or more old by then.
        await nextSeconds();
        changed.push(await measure(sandbox, () => cycle(installations, tracked, memory)));
      }
      record(figures, `ours.quiet.${size}`, quiet, size);
      record(figures, `ours.changed1pct.${size}`, changed, size);
      figures[`reviewPoll.ours.changed1pct.${size}.pullsChanged`] = pullsChanged;

      const naive = await measure(sandbox, () => naiveCycle(installations, tracked));
      record(figures, `naive.${size}`, [naive], size);
    }
    return figures;
  } finally {
    await sandbox.close();
  }
}

async function seed(
  sandbox: Sandbox,
): Promise<{ installations: Map<number, Installation>; refs: Ref[] }> {
  const refs: Ref[] = [];
  const installations = new Map<number, Installation>();
  for (let i = 0; i < INSTALLATIONS; i++) {
    const owner = `bench${i}`;
    let installationId = 0;
    for (let r = 0; r < REPOS_PER_INSTALLATION; r++) {
      const repo = `repo${r}`;
      installationId = (await sandbox.createRepo({ owner, name: repo })).installationId;
      const pulls = await seedPulls(sandbox, {
        repo: `${owner}/${repo}`,
        count: PULLS_PER_REPO,
        threadsPerPull: 3,
        commentsPerThread: 2,
      });
      for (const pull of pulls) refs.push({ installationId, owner, repo, number: pull.number });
    }
    const octokit = await installationOctokit(sandbox, installationId);
    installations.set(installationId, { octokit, client: reviewThreadsClient(octokit) });
  }
  return { installations, refs };
}

export async function installationOctokit(sandbox: Sandbox, installationId: number) {
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
  return probot.auth(installationId);
}

function key(ref: { owner: string; repo: string; number: number }): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`;
}

function byInstallation(refs: readonly Ref[]): Map<number, Ref[]> {
  const groups = new Map<number, Ref[]>();
  for (const ref of refs)
    groups.set(ref.installationId, [...(groups.get(ref.installationId) ?? []), ref]);
  return groups;
}

/** One poll cycle over `tracked`, installation by installation, remembering what it saw. */
async function cycle(
  installations: Map<number, Installation>,
  tracked: readonly Ref[],
  memory: Memory,
): Promise<number> {
  let listed = 0;
  for (const [installationId, refs] of byInstallation(tracked)) {
    const { client } = installations.get(installationId) as Installation;
    const result = await client.poll(
      refs.map(({ owner, repo, number }) => ({
        owner,
        repo,
        number,
        seen: memory.seen.get(key({ owner, repo, number })) ?? null,
      })),
      memory.repos.get(installationId) ?? {},
    );
    for (const pull of result.pulls) memory.seen.set(key(pull), pull.seen);
    memory.repos.set(installationId, result.repos);
    listed += result.pulls.filter((p) => p.threads !== null).length;
  }
  return listed;
}

async function naiveCycle(
  installations: Map<number, Installation>,
  tracked: readonly Ref[],
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < tracked.length) {
      const ref = tracked[next++] as Ref;
      const { octokit } = installations.get(ref.installationId) as Installation;
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
async function replyInOnePercent(
  sandbox: Sandbox,
  tracked: readonly Ref[],
  round: number,
): Promise<number> {
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

/** GitHub's timestamps have whole seconds: wait until the next two have begun. */
function nextSeconds(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2_100 - (Date.now() % 1000)));
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

/** Medians over the runs of each figure of one cycle kind. */
function record(figures: Record<string, number>, name: string, runs: Measured[], size: number) {
  const of = (pick: (m: Measured) => number) => median(runs.map(pick));
  figures[`reviewPoll.${name}.points`] = of((m) => m.points);
  figures[`reviewPoll.${name}.pointsPerPull`] = of((m) => m.points) / size;
  figures[`reviewPoll.${name}.graphqlCalls`] = of((m) => m.graphqlCalls);
  figures[`reviewPoll.${name}.restCalls`] = of((m) => m.restCalls);
  figures[`reviewPoll.${name}.rest304`] = of((m) => m.rest304);
  figures[`reviewPoll.${name}.pullsListed`] = of((m) => m.listed);
  figures[`reviewPoll.${name}.cycleMs`] = of((m) => m.ms);
}
