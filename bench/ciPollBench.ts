import { performance } from "node:perf_hooks";
import { octokitCiChecks } from "../src/github/octokitCiChecks.js";
import { ACTIONS_SLUG } from "../src/sandbox/actions/actionsAppJson.js";
import { startSandbox } from "../src/sandbox/sandbox.js";
import { seedPulls } from "../src/sandbox/seedPulls.js";
import { nextId } from "../src/sandbox/state.js";
import { installationOctokit } from "./pollBench.js";
import { median } from "./stats.js";

// What the poll's CI follow-up asks GitHub per cycle: for each followed PR whose head's checks
// are still running, what followChecks reads (the PR's head, the head's check runs and
// combined status, the base branch's rules), through the same adapter, with ETags. At 10 and
// 100 such PRs in one repository, each head holding one in-progress GitHub Actions check run:
// the first cycle (cold) and the median of RUNS quiet ones (nothing changed). A PR whose CI
// has settled is not asked about at all. Figures only.

const SIZES = [10, 100] as const;
const RUNS = 3;

export async function ciPollBench(): Promise<Record<string, number>> {
  const sandbox = await startSandbox();
  try {
    const repo = { owner: "bench", repo: "ci" };
    const { installationId } = await sandbox.createRepo({ owner: "bench", name: "ci" });
    const sandboxRepo = sandbox.state.repos.get("bench/ci");
    if (!sandboxRepo) throw new Error("no bench repository");
    const pulls = await seedPulls(sandbox, {
      repo: "bench/ci",
      count: Math.max(...SIZES),
      threadsPerPull: 0,
      commentsPerThread: 0,
    });
    for (const pull of pulls) {
      const id = nextId(sandbox.state);
      sandboxRepo.checkRuns.set(id, {
        id,
        name: "test",
        headSha: pull.headSha,
        status: "in_progress",
        conclusion: null,
        output: null,
        externalId: null,
        detailsUrl: null,
        startedAt: new Date().toISOString(),
        completedAt: null,
        history: [],
        app: ACTIONS_SLUG,
      });
    }
    const ci = octokitCiChecks(await installationOctokit(sandbox, installationId));
    const cycle = async (size: number) => {
      for (const pull of pulls.slice(0, size)) {
        const head = await ci.pullHead(repo, pull.number);
        await ci.headChecks(repo, head.headSha);
        await ci.requiredChecks(repo, head.base);
      }
    };
    const figures: Record<string, number> = {};
    for (const size of SIZES) {
      const measure = async () => {
        const from = sandbox.state.requests.length;
        const used = sandbox.rateLimit(installationId, "core").used;
        const started = performance.now();
        await cycle(size);
        const ms = performance.now() - started;
        const rest = sandbox.state.requests.slice(from);
        return {
          rest: rest.length,
          rest304: rest.filter((r) => r.status === 304).length,
          rateLimitUsed: sandbox.rateLimit(installationId, "core").used - used,
          ms,
        };
      };
      const cold = await measure();
      const quiet = [];
      for (let run = 0; run < RUNS; run++) quiet.push(await measure());
      for (const [name, m] of [
        ["cold", [cold]],
        ["quiet", quiet],
      ] as const) {
        const of = (pick: (x: (typeof m)[number]) => number) => median(m.map(pick));
        figures[`ciPoll.${name}.${size}.restCalls`] = of((x) => x.rest);
        figures[`ciPoll.${name}.${size}.rest304`] = of((x) => x.rest304);
        figures[`ciPoll.${name}.${size}.rateLimitUsed`] = of((x) => x.rateLimitUsed);
        figures[`ciPoll.${name}.${size}.cycleMs`] = of((x) => x.ms);
      }
    }
    return figures;
  } finally {
    await sandbox.close();
  }
}
