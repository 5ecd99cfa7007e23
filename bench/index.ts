// `npm run bench [-- [--json] [plan|poll|ci|worker|sandbox|webhook|memory|stop|budget|dispatch|rss ...]]`: runs the benches (all by
// default) and prints their figures — a table per bench, or one JSON document with --json.
// Figures only: nothing passes or fails, and nothing is written into the repository. The exit
// code is non-zero only when a bench could not run at all.
import { performance } from "node:perf_hooks";
import { BUDGET, budgetBench } from "./budgetBench.js";
import { ciPollBench } from "./ciPollBench.js";
import { DISPATCH, dispatchBench } from "./dispatchBench.js";
import { MEMORY, memoryBench } from "./memoryBench.js";
import { planBench } from "./planBench.js";
import { pollBench } from "./pollBench.js";
import { type BenchResult, loadAverage, machine, renderText } from "./report.js";
import { RSS, rssBench } from "./rssBench.js";
import { SANDBOX, sandboxBench } from "./sandboxBench.js";
import { round } from "./stats.js";
import { STOP, stopBench } from "./stopBench.js";
import { WEBHOOK, webhookBench } from "./webhookBench.js";
import { workerBench } from "./workerBench.js";
import { LATENCY } from "./workerLatency.js";
import { THROUGHPUT } from "./workerThroughput.js";
import { TOPOLOGY_WORKERS } from "./workerTopologies.js";

interface Bench {
  name: string;
  title: string;
  method: string;
  run(): Promise<Record<string, number>>;
}

const BENCHES: Bench[] = [
  {
    name: "plan",
    title: "Planning: parse, validate, prioritise (bench/planBench.ts)",
    method:
      "Generated yaml and markdown specs of 1,000 and 5,000 tasks in 20 groups; median wall time of 7 runs after 2 warm-up runs, ms.",
    run: planBench,
  },
  {
    name: "poll",
    title:
      "Review follow-up polling: GraphQL points and REST requests per cycle (bench/pollBench.ts)",
    method:
      "Sandbox GitHub with 10,000 PRs (10 installations x 10 repositories x 100 PRs, 3 threads x 2 comments each): GraphQL points and calls, REST requests and how many were answered 304, per 30 s cycle at 10/100/1,000/10,000 tracked PRs; ours quiet (nothing changed) and changed1pct (a reply in 1% of the PRs), medians of 3 cycles each, plus the first listing (cold); naive = one query per PR, once. Throttling off.",
    run: pollBench,
  },
  {
    name: "ci",
    title: "CI follow-up in the poll: REST requests per cycle (bench/ciPollBench.ts)",
    method:
      "Sandbox GitHub, one repository with 10 and 100 open PRs whose heads each hold one in-progress GitHub Actions check run. Per cycle and PR, what the poll's CI follow-up reads for a head whose checks are still running (the PR's head, the head's check runs and combined status, the base branch's rules), with ETags: REST requests, how many were answered 304, and what the installation's primary rate limit was charged; the first (cold) cycle and the median of 3 quiet cycles. PRs whose CI has settled are not asked about. Throttling off.",
    run: ciPollBench,
  },
  {
    name: "worker",
    title: "Task workers: latency, throughput, memory (bench/workerBench.ts)",
    method: [
      "Private redis-server (noeviction, AOF), the project's taskQueue + startTaskWorker, workers in their own processes.",
      `readyToStart: taskQueue.enqueue called → processor starts, one idle worker at the default concurrency, ${LATENCY.tasks} tasks ${LATENCY.spacingMs} ms apart after ${LATENCY.warmup} warm-up tasks; p50/p99 are medians over ${LATENCY.runs} runs, max over all.`,
      `throughput: ${THROUGHPUT.tasks.toLocaleString("en-US")} tasks through ${THROUGHPUT.workers} fresh worker processes, median of ${THROUGHPUT.runs} runs. live = workers waiting, clock from one enqueue call of all tasks to the last job finished (enqueue.ms is that call alone); drain = tasks queued first, clock from telling the workers to go.`,
      "noop = empty processor; store = processTask's store round trips for a task with nothing to do (read run, claim ready → in_progress, → complete), runs of 200 tasks.",
      `c<N> = concurrency per worker. peakRss = the larger worker's maxRSS in the run, MiB.`,
      `w${TOPOLOGY_WORKERS}.single / w${TOPOLOGY_WORKERS}.cluster: readyToStart and live throughput with ${TOPOLOGY_WORKERS} worker processes at the default concurrency, on that Redis and on a 3-master Redis Cluster on this machine (every key in one slot, {prefix}); cluster.master<i>.keys = DBSIZE of each master after the last cluster run, .commands = commands it ran over all the cluster runs (INFO stats), slotsUsed = slots holding those keys.`,
    ].join(" "),
    run: workerBench,
  },
  {
    name: "sandbox",
    title: "Agent sandbox: what bubblewrap adds to a task (bench/sandboxBench.ts)",
    method: `Whole attempts on a local bare remote (prepare the agent's repository, a one-line shell agent, capture its files as a commit, verify \`true\`, push), with bubblewrap and without, alternated; and the verify command alone. Medians of ${SANDBOX.runs} after ${SANDBOX.warmup} warm-up, ms; added = bwrap − none.`,
    run: sandboxBench,
  },
  {
    name: "webhook",
    title: "Webhook → task enqueued / status comment (bench/webhookBench.ts)",
    method: `Signed issues.labeled for an issue with a two-task yaml spec, sent to the real server + events worker (no task worker) against the sandbox GitHub; ms from the POST to the 2xx (ack), to the ready task in the queue, to the status comment; median of ${WEBHOOK.runs} after ${WEBHOOK.warmup} warm-up, polled every 2 ms. GitHub throttling off (production adds ~1 s per write).`,
    run: webhookBench,
  },
  {
    name: "dispatch",
    title: "Dispatch of a run whose tasks are all ready at once (bench/dispatchBench.ts)",
    method: `A run of ${DISPATCH.sizes.map((n) => n.toLocaleString("en-US")).join(" and ")} independent tasks in a private redis-server: dispatch = dispatchReady (pending → ready in the run store, then the queue), enqueue = the task queue's part alone; medians of ${DISPATCH.runs} runs, ms.`,
    run: dispatchBench,
  },
  {
    name: "memory",
    title: "Redis memory of one run of 10, 100 and 1,000 tasks (bench/memoryBench.ts)",
    method: `A private redis-server; the project's run store, review store and task queue write one run of N tasks (a generated spec of about 10 tasks a group, planned by the spec planner). active = planned, its ready tasks queued; ended = done: every task's job run and finished (kept by the queue for 7 days), every task complete with a ${MEMORY.reportChars}-character report, each group's PR tracked and parked. KiB by MEMORY USAGE (SAMPLES 0) of every key under the run's prefix, by owner: run = run record, tasks, job-id set (expire RUN_RETENTION_DAYS after the run ended); queue = BullMQ's keys; reviews = tracked PRs.`,
    run: memoryBench,
  },
  {
    name: "stop",
    title: "/orchestrate stop on a working run (bench/stopBench.ts)",
    method: `The real app in-process (server, events worker, one task worker, agents under bubblewrap; embedded redis-server; the sandbox GitHub, throttling off). A one-task run whose agent works for 10 minutes; half a second after its task is in progress, a maintainer comments /orchestrate stop (signed webhook). ms from sending that comment to: the run recorded stopped (runStopped), its task recorded cancelled after the worker killed the agent's process group (taskCancelled), the status comment saying Stopped (statusSaysStopped); store and comments polled every 2 ms. ${STOP.stops} stops after ${STOP.warmup} warm-up; p50, p99 (nearest rank) and max.`,
    run: stopBench,
  },
  {
    name: "budget",
    title: "GitHub budgets of one installation at 1 and 50 runs (bench/budgetBench.ts)",
    method: [
      `The real app in-process (server, events worker, one task worker at WORKER_CONCURRENCY ${BUDGET.workerConcurrency}, agents under bubblewrap; embedded redis-server; the in-process sandbox GitHub, which also delivers the webhooks of the app's own writes) with a node agent that appends a line and writes its report.`,
      `Per case, N runs (N = ${BUDGET.runs.join(", ")}; BENCH_BUDGET_RUNS) in one installation and one repository: N issues, each a yaml spec of ${BUDGET.groups} groups (one task each — kept small so 50 runs finish in minutes on 2 cores; with two tasks in two groups they took over 15), labelled \`orchestrate\` by a maintainer (signed webhooks); each run plans, runs its tasks and opens ${BUDGET.groups} PRs; a reviewer with write access leaves one thread on each PR; the fix is pushed, the thread answered and resolved; the run ends done. The sandbox's primary REST limit is lifted (50 runs pass 5,000 requests within minutes and would fail on its 403s): counts, not behaviour at the limit.`,
      `Then the poller starts (its own instance, POLL_INTERVAL_SECONDS=${BUDGET.pollSeconds}) for 1 + ${BUDGET.pollCycles} cycles over the runs' 5N PRs; the first (cold) cycle is shown apart, the others averaged; requestsOutsideCycles = the quiet spell's other requests (a status refresh a cycle's finding caused). Polling is off during the lifetimes (webhooks drive review follow-up) so no short-interval cycle is counted there.`,
      `working = what one more run (one task, its agent held ${BUDGET.workingSeconds} s; BENCH_BUDGET_WORKING_SECONDS) spends a minute while its agent works, measured in the first case (a running task's row shows when it started, so the status comment has nothing to refresh while an agent works). withWork adds 60 such minutes to every run's hour: real agents work most of a run's hour.`,
      "Counted from the sandbox's request log, for the installation: rest = REST requests answered other than 304 (a 304 is free); writes = REST POST/PATCH/PUT/DELETE other than token revocation (minting uses the App's JWT) plus GraphQL mutations; graphqlPoints = points by GitHub's cost formula; git requests and token mints apart.",
      `perActiveRunHour = (lifetime + 120 cycles, an hour at the production 30 s) / N, as if every run's lifetime fell within its hour; hour = N x that, next to GitHub's 5,000 REST requests, 500 writes (80 a minute) and 5,000 points an hour. The hour of polling is an upper bound: per the design a done run's PR stops being polled once it has been quiet 5 minutes (about 10 cycles), and the 30-45 min safety sweep relisting each PR is not in these few cycles.`,
      `busiestMinute = most writes in any 60 s of the whole case, on the bench's compressed timeline (agents finish in milliseconds here). Sandbox secondary limits ${BUDGET.contentLimits ? "on (80/min, 500/h)" : "off (its default; BENCH_BUDGET_CONTENT_LIMITS=on)"}; GitHub throttling ${BUDGET.throttle ? "on" : "off (BENCH_BUDGET_THROTTLE=on)"} — throttling and pacing change the timing, not the counts.`,
    ].join(" "),
    run: budgetBench,
  },
  {
    name: "rss",
    title: "Peak RSS of a server and a worker process at work (bench/rssBench.ts)",
    method: [
      `\`orchestrate server\` (WORKER_CONCURRENCY=0) and \`orchestrate worker\` (WORKER_CONCURRENCY=${RSS.workerConcurrency}, agents under bubblewrap) as their own processes from dist/src/cli.js, against the sandbox GitHub and a ${RSS.redis === "cluster" ? "3-master Redis Cluster" : "private redis-server"} (BENCH_RSS_REDIS=cluster|single) in the bench's process; POLL_INTERVAL_SECONDS=${RSS.pollSeconds}; GitHub throttling and write pacing off, and the sandbox's REST and content-write limits lifted (one installation's 50 runs pass them within minutes and would wait an hour).`,
      `Followed: ${(RSS.repos * RSS.runsPerRepo * RSS.pullsPerRun).toLocaleString("en-US")} open PRs (${RSS.repos} repositories x ${RSS.runsPerRepo} earlier runs in reviewing x ${RSS.pullsPerRun} groups, ${RSS.threads} threads each by someone without write access), written into the sandbox and the run and review stores (bench/followedPulls.ts); the server's first cycle lists them all (the cold cycle), later ones ask only what changed.`,
      `At work: ${RSS.runs} runs (BENCH_RSS_RUNS) labelled at once, each a yaml spec of one group of ${RSS.tasksPerRun} chained tasks; the bench agent waits ${RSS.agentMs} ms, appends a line and reports. The clock runs from the first label until every run is done and at least ${RSS.minCycles} poll cycles ran (the server's /metrics).`,
      "peak = VmHWM of /proc/<pid>/status of each node process just before it is stopped (agents and git are processes of their own, not counted); activeMax = most of the runs not yet ended at once, inProgressMax = most tasks in progress at once (sampled every 500 ms); followedPulls.atEnd = PRs still polled at the end, pollCycles.pullsChecked.mean = PRs a cycle asked GitHub about (orchestrate_review_pulls_checked_total / cycles); on a cluster, keys per master (DBSIZE), commands each master ran (INFO stats total_commands_processed, the bench's own reads included) and how many slots hold the keys.",
    ].join(" "),
    run: rssBench,
  },
];

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const wanted = args.filter((a) => !a.startsWith("--"));
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench ${unknown.join(", ")}; choose from ${BENCHES.map((b) => b.name).join(", ")}\n`,
    );
    return 2;
  }
  const chosen = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  const flags = json ? " --json" : "";
  const loadAtStart = loadAverage();
  const results: BenchResult[] = [];
  for (const bench of chosen) {
    if (!json) process.stderr.write(`running ${bench.name}…\n`);
    const started = performance.now();
    const result: BenchResult = {
      name: bench.name,
      title: bench.title,
      method: bench.method,
      command: `npm run bench -- ${bench.name}${flags}`,
      seconds: 0,
      figures: {},
    };
    try {
      result.figures = await bench.run();
    } catch (error) {
      result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
    result.seconds = round((performance.now() - started) / 1000, 1);
    results.push(result);
  }
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
  const host = machine(loadAtStart);
  process.stdout.write(
    json
      ? `${JSON.stringify({ command, machine: host, benches: results }, null, 2)}\n`
      : `${renderText(command, host, results)}\n`,
  );
  return results.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
