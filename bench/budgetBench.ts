import { type BudgetCase, budgetCase } from "./budgetCase.js";
import { GROUPS } from "./budgetSpec.js";
import {
  type Budget,
  busiestWindow,
  isContentWrite,
  requestBudget,
  restByOperation,
} from "./requestBudget.js";
import { round } from "./stats.js";

// GitHub budgets of one installation against what Orchestrate spends on them: REST requests,
// content-generating writes and GraphQL points per active run per hour, at 1 and at 50 runs at
// once (budgetCase.ts drives them). Settings from the environment, so a slow machine (or the
// app's write pacing) can be met with fewer runs:
//   BENCH_BUDGET_RUNS            run counts, comma-separated (default "1,50")
//   BENCH_BUDGET_POLL_SECONDS    the poller's interval in the quiet spell (default 2)
//   BENCH_BUDGET_POLL_CYCLES     poll cycles measured after the first (default 8)
//   BENCH_BUDGET_CONCURRENCY     WORKER_CONCURRENCY of the one task worker (default 4)
//   BENCH_BUDGET_CONTENT_LIMITS  "on": the sandbox enforces 80 writes a minute, 500 an hour
//   BENCH_BUDGET_THROTTLE        "on": Probot's throttling (one write a second) as in production
//   BENCH_BUDGET_WORKING_SECONDS how long the first case watches a run whose agent works
//                                (default 60; 0 skips it)

/** GitHub's budgets for one installation (docs.github.com, rate limits). */
export const LIMITS = {
  restPerHour: 5_000,
  writesPerHour: 500,
  writesPerMinute: 80,
  pointsPerHour: 5_000,
} as const;
/** how many of the most frequent REST reads the breakdown names */
const TOP_READS = 5;
/** cycles in an hour at the production interval of 30 s */
const CYCLES_PER_HOUR = 120;

export const BUDGET = {
  runs: listOf(process.env["BENCH_BUDGET_RUNS"], [1, 50]),
  pollSeconds: numberOf(process.env["BENCH_BUDGET_POLL_SECONDS"], 2),
  pollCycles: numberOf(process.env["BENCH_BUDGET_POLL_CYCLES"], 8),
  workerConcurrency: numberOf(process.env["BENCH_BUDGET_CONCURRENCY"], 4),
  contentLimits: process.env["BENCH_BUDGET_CONTENT_LIMITS"] === "on",
  throttle: process.env["BENCH_BUDGET_THROTTLE"] === "on",
  workingSeconds: wholeOf(process.env["BENCH_BUDGET_WORKING_SECONDS"], 60),
  groups: GROUPS,
} as const;

export async function budgetBench(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {
    "limit.restPerHour": LIMITS.restPerHour,
    "limit.writesPerHour": LIMITS.writesPerHour,
    "limit.writesPerMinute": LIMITS.writesPerMinute,
    "limit.graphqlPointsPerHour": LIMITS.pointsPerHour,
  };
  // What a run costs while its agents work does not depend on how many runs there are: the
  // first case measures it, every case adds it to its hour.
  let working: Budget | null = null;
  for (const [i, runs] of BUDGET.runs.entries()) {
    const measured = await budgetCase({
      runs,
      pollSeconds: BUDGET.pollSeconds,
      pollCycles: BUDGET.pollCycles,
      workerConcurrency: BUDGET.workerConcurrency,
      contentLimits: BUDGET.contentLimits,
      throttle: BUDGET.throttle,
      workingSeconds: i === 0 ? BUDGET.workingSeconds : 0,
      progress: (line) => process.stderr.write(`  budget ${runs} runs: ${line}\n`),
    });
    if (measured.workingSeconds > 0) {
      working = scaled(
        requestBudget(measured.working, measured.installationId),
        60 / measured.workingSeconds,
      );
      figures["working.perMinute.rest"] = round(working.rest, 2);
      figures["working.perMinute.writes"] = round(working.writes, 2);
      figures["working.perMinute.graphqlPoints"] = round(working.points, 2);
    }
    Object.assign(figures, caseFigures(runs, measured, working));
  }
  return figures;
}

/** A case's figures: per run lifetime, per poll cycle, per active run per hour, the hour's total. */
function caseFigures(runs: number, m: BudgetCase, working: Budget | null): Record<string, number> {
  const at = `runs${runs}`;
  const lifetime = requestBudget(m.lifetime, m.installationId);
  const steady = m.cycles.slice(1).map((c) => requestBudget(c, m.installationId));
  const cycle = meanBudget(steady);
  const cold = requestBudget(m.cycles[0] ?? [], m.installationId);
  const perRun = (n: number) => round(n / runs, 2);
  const perRunHour = {
    rest: (lifetime.rest + CYCLES_PER_HOUR * cycle.rest) / runs,
    writes: (lifetime.writes + CYCLES_PER_HOUR * cycle.writes) / runs,
    points: (lifetime.points + CYCLES_PER_HOUR * cycle.points) / runs,
  };
  const writeTimes = m.all.filter((r) => isContentWrite(r, m.installationId)).map((r) => r.at);
  const pct = (used: number, limit: number) => round((100 * used) / limit, 1);
  return {
    [`${at}.lifetime.seconds`]: round(m.lifetimeSeconds, 1),
    [`${at}.perRunLifetime.rest`]: perRun(lifetime.rest),
    [`${at}.perRunLifetime.rest304`]: perRun(lifetime.rest304),
    [`${at}.perRunLifetime.writes`]: perRun(lifetime.writes),
    [`${at}.perRunLifetime.writes.graphqlMutations`]: perRun(lifetime.mutations),
    [`${at}.perRunLifetime.writes.failed`]: perRun(lifetime.failedWrites),
    [`${at}.perRunLifetime.graphqlPoints`]: perRun(lifetime.points),
    [`${at}.perRunLifetime.graphqlCalls`]: perRun(lifetime.graphqlCalls),
    [`${at}.perRunLifetime.git`]: perRun(lifetime.git),
    [`${at}.perRunLifetime.tokenMints`]: perRun(lifetime.tokenMints),
    [`${at}.perRunLifetime.tokenRevocations`]: perRun(lifetime.tokenRevocations),
    ...breakdown(at, runs, m),
    [`${at}.pollCycle.trackedPulls`]: m.trackedPulls,
    [`${at}.pollCycle.cold.rest`]: cold.rest,
    [`${at}.pollCycle.cold.graphqlPoints`]: cold.points,
    [`${at}.pollCycle.rest`]: round(cycle.rest, 2),
    [`${at}.pollCycle.rest304`]: round(cycle.rest304, 2),
    [`${at}.pollCycle.writes`]: round(cycle.writes, 2),
    [`${at}.pollCycle.graphqlPoints`]: round(cycle.points, 2),
    [`${at}.pollCycle.requestsOutsideCycles`]: m.outsideCycles.length,
    [`${at}.perActiveRunHour.rest`]: round(perRunHour.rest, 2),
    [`${at}.perActiveRunHour.writes`]: round(perRunHour.writes, 2),
    [`${at}.perActiveRunHour.graphqlPoints`]: round(perRunHour.points, 2),
    [`${at}.hour.rest`]: round(perRunHour.rest * runs, 0),
    [`${at}.hour.rest.pctOfLimit`]: pct(perRunHour.rest * runs, LIMITS.restPerHour),
    [`${at}.hour.writes`]: round(perRunHour.writes * runs, 0),
    [`${at}.hour.writes.pctOfLimit`]: pct(perRunHour.writes * runs, LIMITS.writesPerHour),
    [`${at}.hour.graphqlPoints`]: round(perRunHour.points * runs, 0),
    [`${at}.hour.graphqlPoints.pctOfLimit`]: pct(perRunHour.points * runs, LIMITS.pointsPerHour),
    [`${at}.busiestMinute.writes`]: busiestWindow(writeTimes),
    ...(working ? withWork(at, runs, perRunHour, working) : {}),
  };
}

/** The hour again, with 60 minutes of agents at work in every run (their refresh ticks). */
function withWork(
  at: string,
  runs: number,
  perRunHour: { rest: number; writes: number; points: number },
  perMinute: Budget,
): Record<string, number> {
  const rest = perRunHour.rest + 60 * perMinute.rest;
  const writes = perRunHour.writes + 60 * perMinute.writes;
  const points = perRunHour.points + 60 * perMinute.points;
  return {
    [`${at}.perActiveRunHour.withWork.rest`]: round(rest, 2),
    [`${at}.perActiveRunHour.withWork.writes`]: round(writes, 2),
    [`${at}.perActiveRunHour.withWork.graphqlPoints`]: round(points, 2),
    [`${at}.hour.withWork.rest`]: round(rest * runs, 0),
    [`${at}.hour.withWork.writes`]: round(writes * runs, 0),
    [`${at}.hour.withWork.writesPerMinute`]: round((writes * runs) / 60, 1),
    [`${at}.hour.withWork.graphqlPoints`]: round(points * runs, 0),
  };
}

function scaled(b: Budget, factor: number): Budget {
  const out = { ...b };
  for (const key of Object.keys(out) as Array<keyof Budget>) out[key] = b[key] * factor;
  return out;
}

/** Where a run's lifetime requests go: every write, and the most frequent reads. */
function breakdown(at: string, runs: number, m: BudgetCase): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of restByOperation(m.lifetime, m.installationId, true)) {
    out[`${at}.perRunLifetime.writes.${op}`] = round(n / runs, 2);
  }
  for (const [op, n] of restByOperation(m.lifetime, m.installationId, false).slice(0, TOP_READS)) {
    out[`${at}.perRunLifetime.rest.${op}`] = round(n / runs, 2);
  }
  return out;
}

function meanBudget(budgets: Budget[]): Budget {
  const keys = Object.keys(requestBudget([], 0)) as Array<keyof Budget>;
  const mean = {} as Budget;
  for (const key of keys) {
    mean[key] =
      budgets.length === 0 ? 0 : budgets.reduce((sum, b) => sum + b[key], 0) / budgets.length;
  }
  return mean;
}

function listOf(text: string | undefined, fallback: number[]): number[] {
  const values = (text ?? "")
    .split(",")
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isInteger(v) && v > 0);
  return values.length > 0 ? values : fallback;
}

function wholeOf(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && text !== "" && Number.isInteger(value) && value >= 0
    ? value
    : fallback;
}

function numberOf(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
