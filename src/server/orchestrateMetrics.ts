import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RunStats } from "../queue/readRunStats.js";
import type { RateLimitReading } from "../queue/redisRateLimits.js";
import { runStates, type TaskStatus } from "../runs/run.js";

/** Where the figures read on each scrape come from (Redis, shared by every process). */
export interface MetricsSources {
  runStats(): Promise<RunStats>;
  queueCounts(): Promise<Array<{ queue: string; counts: Record<string, number> }>>;
  rateLimits(): Promise<RateLimitReading[]>;
}

export interface ReviewPassFigures {
  pulls: number;
  tasks: number;
  graphqlPoints: number;
}

/** `poll`: the 30 s cycle over every followed PR; `event`: a review webhook or a task's answer. */
export type ReviewTrigger = "poll" | "event";

export interface OrchestrateMetrics {
  webhook(event: string, status: number, seconds: number): void;
  pollCycle(seconds: number, ok: boolean): void;
  reviewPass(trigger: ReviewTrigger, figures: ReviewPassFigures): void;
  readonly contentType: string;
  /** the Prometheus text exposition, Redis-backed figures read now */
  render(): Promise<string>;
}

const taskStatuses = [
  "pending",
  "ready",
  "in_progress",
  "needs-input",
  "complete",
  "failed",
  "cancelled",
] as const satisfies readonly TaskStatus[];

/** A scrape that cannot reach Redis in this long answers with what the process knows. */
const REDIS_TIMEOUT_MS = 5000;

/**
 * The operator's Prometheus metrics. Counters the process keeps itself (webhooks, poll cycles)
 * plus gauges read from Redis on every scrape, so runs, tasks and GitHub's rate limit reflect
 * every worker, including those on other machines that serve no HTTP.
 */
export function orchestrateMetrics(
  sources: MetricsSources,
  onRedisError: (error: Error) => void,
): OrchestrateMetrics {
  // A registry per instance, not prom-client's global one: tests start several apps in one
  // process, and each must report only its own figures.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const runs = new Gauge({
    name: "orchestrate_runs",
    help: "Runs Redis holds, by state",
    labelNames: ["state"],
    registers,
  });
  const tasks = new Gauge({
    name: "orchestrate_tasks",
    help: "Tasks of every run Redis holds, by status",
    labelNames: ["status"],
    registers,
  });
  const attempts = new Gauge({
    name: "orchestrate_task_attempts",
    help: "Attempts made on the tasks of every run Redis holds (retries and races included)",
    registers,
  });
  const queueJobs = new Gauge({
    name: "orchestrate_queue_jobs",
    help: "BullMQ jobs by queue and state",
    labelNames: ["queue", "state"],
    registers,
  });
  const rateRemaining = new Gauge({
    name: "orchestrate_github_rate_limit_remaining",
    help: "GitHub primary rate limit left in the current window, per installation and resource, from the latest response any process saw",
    labelNames: ["installation", "resource"],
    registers,
  });
  const rateLimit = new Gauge({
    name: "orchestrate_github_rate_limit_limit",
    help: "GitHub primary rate limit per window, per installation and resource",
    labelNames: ["installation", "resource"],
    registers,
  });
  const redisUp = new Gauge({
    name: "orchestrate_redis_up",
    help: "1 when this scrape could read the run, queue and rate-limit figures from Redis",
    registers,
  });
  const webhooks = new Histogram({
    name: "orchestrate_webhook_duration_seconds",
    help: "Time to answer a webhook delivery (GitHub gives up after 10 s), by event and HTTP status",
    labelNames: ["event", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const pollCycles = new Counter({
    name: "orchestrate_poll_cycles_total",
    help: "Review poll cycles this process ran, by outcome",
    labelNames: ["outcome"],
    registers,
  });
  const pollDuration = new Histogram({
    name: "orchestrate_poll_cycle_duration_seconds",
    help: "Duration of one review poll cycle over every followed pull request",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const passes = new Counter({
    name: "orchestrate_review_passes_total",
    help: "Review passes (one per installation per poll cycle, or one per review event)",
    labelNames: ["trigger"],
    registers,
  });
  const pullsChecked = new Counter({
    name: "orchestrate_review_pulls_checked_total",
    help: "Pull requests whose review threads a pass asked GitHub about",
    labelNames: ["trigger"],
    registers,
  });
  const points = new Counter({
    name: "orchestrate_review_graphql_points_total",
    help: "GitHub GraphQL rate-limit points review passes spent",
    labelNames: ["trigger"],
    registers,
  });
  const reviewTasks = new Counter({
    name: "orchestrate_review_tasks_created_total",
    help: "review-thread tasks created from new review threads",
    labelNames: ["trigger"],
    registers,
  });
  // Zero rather than absent before the first cycle, so rate() and alerts work from the start.
  for (const outcome of ["ok", "error"]) pollCycles.inc({ outcome }, 0);
  for (const trigger of ["poll", "event"]) {
    for (const counter of [passes, pullsChecked, points, reviewTasks]) counter.inc({ trigger }, 0);
  }

  async function refresh(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error("Redis did not answer in time")), REDIS_TIMEOUT_MS);
    });
    try {
      const [stats, counts, limits] = await Promise.race([
        Promise.all([sources.runStats(), sources.queueCounts(), sources.rateLimits()]),
        timeout,
      ]);
      for (const state of runStates) runs.set({ state }, stats.runs[state] ?? 0);
      for (const status of taskStatuses) tasks.set({ status }, stats.tasks[status] ?? 0);
      attempts.set(stats.attempts);
      queueJobs.reset();
      for (const { queue, counts: byState } of counts) {
        for (const [state, count] of Object.entries(byState))
          queueJobs.set({ queue, state }, count);
      }
      rateRemaining.reset();
      rateLimit.reset();
      for (const r of limits) {
        const labels = { installation: String(r.installationId), resource: r.resource };
        rateRemaining.set(labels, r.remaining);
        rateLimit.set(labels, r.limit);
      }
      redisUp.set(1);
    } catch (error) {
      // Absent rather than stale: a dashboard should show the gap, not the last good figures.
      for (const gauge of [runs, tasks, attempts, queueJobs, rateRemaining, rateLimit]) {
        gauge.reset();
      }
      redisUp.set(0);
      onRedisError(error as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    webhook(event, status, seconds) {
      webhooks.observe({ event, status: String(status) }, seconds);
    },
    pollCycle(seconds, ok) {
      pollCycles.inc({ outcome: ok ? "ok" : "error" });
      pollDuration.observe(seconds);
    },
    reviewPass(trigger, figures) {
      passes.inc({ trigger });
      pullsChecked.inc({ trigger }, figures.pulls);
      points.inc({ trigger }, figures.graphqlPoints);
      reviewTasks.inc({ trigger }, figures.tasks);
    },
    contentType: registry.contentType,
    async render() {
      await refresh();
      return registry.metrics();
    },
  };
}
