import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { Probot, type ProbotOctokit, Server } from "probot";
import { createApp } from "../app.js";
import { ConfigError } from "../config/configError.js";
import type { OperatorConfig } from "../config/env.js";
import { DEFAULT_WRITE_LIMITS, type WriteBudget } from "../github/writeBudget.js";
import { eventQueue, startEventWorker } from "../queue/eventQueue.js";
import { keyPrefix } from "../queue/keyPrefix.js";
import { startPollScheduler } from "../queue/pollScheduler.js";
import { redisBackoff } from "../queue/redisBackoff.js";
import { redisBaseTips } from "../queue/redisBaseTips.js";
import type { RedisClient } from "../queue/redisConnection.js";
import { redisConnection } from "../queue/redisConnection.js";
import { redisRateLimits } from "../queue/redisRateLimits.js";
import { redisReviewStore } from "../queue/redisReviewStore.js";
import { redisRunStore } from "../queue/redisRunStore.js";
import { redisWriteBudget } from "../queue/redisWriteBudget.js";
import { startTaskWorker, taskQueue } from "../queue/taskQueue.js";
import { dispatchReady } from "../runs/dispatchReady.js";
import { runKey } from "../runs/run.js";
import type { Dispatcher } from "../runs/runLifecycle.js";
import { isActive, isLive } from "../runs/runMachine.js";
import { specPlanner } from "../runs/specPlanner.js";
import { chooseIsolation, IsolationUnavailableError } from "../worker/isolation/chooseIsolation.js";
import { closeInheritedFds } from "../worker/isolation/closeInheritedFds.js";
import { type Isolation, noIsolation } from "../worker/isolation/isolation.js";
import { networkFor } from "../worker/networkFor.js";
import { parseBackends } from "../worker/parseBackends.js";
import { plannerAsk, plannerBackend } from "../worker/plannerAsk.js";
import { processTask } from "../worker/processTask.js";
import { taskJobFailed } from "../worker/taskJobFailed.js";
import { Workspaces } from "../worker/workspace.js";
import { eventProcessor } from "./eventProcessor.js";
import { githubApp, productionOctokit } from "./githubApp.js";
import { healthHandler } from "./healthHandler.js";
import { loggedTaskAttempts } from "./loggedTaskAttempts.js";
import { observeWebhooks } from "./observeWebhooks.js";
import { type OperatorTools, operatorTools } from "./operatorTools.js";
import { redactingLogger } from "./redactingLogger.js";
import { redisOutageLog } from "./redisOutageLog.js";
import { unthrottledOctokit } from "./unthrottledOctokit.js";
import { startWebhookProxy } from "./webhookProxy.js";

export interface StartOptions {
  config: OperatorConfig;
  redisUrl: string;
  /** tests pass an Octokit without retry/throttling; production keeps Probot's */
  Octokit?: typeof ProbotOctokit;
  port?: number;
  host?: string;
  roles: Roles;
  /** a logger to use instead of one made from LOG_LEVEL / LOG_FORMAT (tests read what it wrote) */
  log?: Probot["log"];
  /** the write budget's minute and hour, shortened by tests that watch an hour go by */
  writeWindows?: { minuteMs: number; hourMs: number };
}

/** `npm start` runs every role in one process; `orchestrate worker` runs only the worker. */
export interface Roles {
  webhooks: boolean;
  events: boolean;
  worker: boolean;
  poller: boolean;
}

export interface RunningOrchestrate {
  /** the webhook server's URL; empty when this process serves no webhooks */
  url: string;
  port: number;
  log: Probot["log"];
  /** resolves once no queued work is left (tests and `orchestrate simulate` wait on it) */
  settle(): Promise<void>;
  /**
   * Drains: the jobs in hand finish, no new ones are taken. Resolves `false` instead when Redis
   * stays out of reach for `redisGraceMs` meanwhile: what the jobs do could not be recorded,
   * and their commands would wait for Redis for ever (the caller exits; stalled-job recovery
   * gives the jobs to another process once Redis is back).
   */
  close(redisGraceMs?: number): Promise<boolean>;
}

/** Starts the roles asked for, sharing one Redis connection and one App identity. */
export async function startOrchestrate(options: StartOptions): Promise<RunningOrchestrate> {
  const { config, roles } = options;
  const credentials = config.credentials;
  if (!credentials) throw new Error("Orchestrate needs App credentials; without them run setup");
  const backends = parseBackends(config.ORCHESTRATE_BACKENDS);
  const dataDir = resolve(config.ORCHESTRATE_DATA_DIR);
  const runsAgents = roles.worker || (roles.events && !!config.ORCHESTRATE_PLANNER);
  // Checked with the environment (loadOperatorConfig): a refused setting stops the process.
  const planner =
    roles.events && config.ORCHESTRATE_PLANNER
      ? agentSetting(() => plannerBackend(config.ORCHESTRATE_PLANNER ?? "", backends))
      : null;
  // Agents run here (tasks, or the planner): refuse to start without a working sandbox, before
  // anything is connected that would keep a refused process alive.
  const isolation = runsAgents ? sandboxFor(config, dataDir) : noIsolation;
  // Agents inherit whatever this process inherited without close-on-exec: close it first.
  if (isolation.sandboxed) closeInheritedFds();
  const redis = redisConnection(options.redisUrl);
  const prefix = keyPrefix(redis, config.ORCHESTRATE_PREFIX);
  const retentionMs = config.RUN_RETENTION_DAYS * 24 * 3600 * 1000;
  const store = redisRunStore(redis, prefix, {
    retentionMs,
    onRefused: (refusal) =>
      app.probot.log.warn(
        refusal,
        "refused a state change the run's state machine has no move for",
      ),
  });
  const reviews = redisReviewStore(redis, prefix, { retentionMs });
  const events = eventQueue(redis, prefix);
  const tasks = taskQueue(redis, prefix);
  const rateLimits = redisRateLimits(redis, prefix);
  const Octokit = options.Octokit ?? (config.GITHUB_THROTTLE ? undefined : unthrottledOctokit());
  const octokit = Octokit ? { Octokit } : {};
  const app = githubApp(credentials, {
    baseUrl: config.baseUrl,
    ...octokit,
    logLevel: config.LOG_LEVEL === "silent" ? "fatal" : config.LOG_LEVEL,
    logFormat: config.LOG_FORMAT,
    ...(options.log ? { log: options.log } : {}),
    writeBudget: writeBudgetOf(config, redis, prefix, options.writeWindows),
    // Every process records what GitHub says of the budget; the server's /metrics reports it.
    onRateLimit: (reading) => {
      rateLimits.record(reading).catch((error: unknown) => {
        app.probot.log.debug({ err: error }, "could not record GitHub's rate limit in Redis");
      });
    },
  });
  await app.probot.ready();
  const log = app.probot.log;
  const workerError = redisOutageLog(redis, log);
  const network = networkFor(config.ORCHESTRATE_SANDBOX_NETWORK, backends);
  const networked = [...backends.map((b) => b.name), "verify"].filter(network);
  if (
    isolation.sandboxed &&
    networked.length > 0 &&
    !/^rediss?(\+cluster|\+sentinel)?:\/\/[^/]*@/.test(options.redisUrl)
  ) {
    log.warn(
      `${networked.join(", ")} share${networked.length === 1 ? "s" : ""} this machine's network (ORCHESTRATE_SANDBOX_NETWORK), and Redis has no password: an agent could reach it. Put a password in REDIS_URL`,
    );
  }
  if (runsAgents && !isolation.sandboxed) {
    log.warn(
      "ORCHESTRATE_UNSAFE_NO_SANDBOX=true: agents run as this process's user and can read its files and tokens",
    );
  }

  const dispatcher: Dispatcher = {
    dispatchReady: async (key) => {
      await dispatchReady(key, store, (jobs) => tasks.enqueue(jobs));
    },
    cancelRun: (key) => tasks.cancelRun(key),
    cancelTasks: (key, ids) => tasks.cancelTasks(key, ids),
    settleGroups: async (key, installationId, groups) => {
      for (const group of groups) await afterChange(key, installationId, group);
    },
  };

  /** A task changed: what follows it runs as its own retried job (see EventQueue.settle). */
  async function afterChange(key: string, installationId: number, group: string): Promise<void> {
    await events.settle(key, installationId, group, randomUUID());
  }

  if (config.ORCHESTRATE_GLOBAL_CONCURRENCY) {
    await tasks.setGlobalConcurrency(config.ORCHESTRATE_GLOBAL_CONCURRENCY);
  }

  const closers: Array<() => Promise<void>> = [];
  let url = "";
  let port = 0;
  let tools: OperatorTools | null = null;

  if (roles.webhooks) {
    tools = operatorTools(redis, config, rateLimits, log);
    closers.push(tools.close);
    const operator = tools;
    // Probot's request logger writes headers: keep the dashboard's and /metrics' secrets out.
    const httpLog = redactingLogger(log);
    const server = new Server({
      host: options.host ?? config.HOST,
      port: options.port ?? config.PORT,
      webhookPath: config.WEBHOOK_PATH,
      log: httpLog,
      Probot: Probot.defaults({
        appId: credentials.appId,
        privateKey: credentials.privateKey,
        secret: credentials.webhookSecret,
        log: httpLog,
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        // The same Octokit as the jobs': webhook-time reads retry secondary limits too.
        Octokit: Octokit ?? productionOctokit(),
      }),
    });
    await server.load(async (probot, appOptions) => {
      appOptions.addHandler(healthHandler(redis));
      for (const handler of operator.handlers) appOptions.addHandler(handler);
      await createApp({
        events,
        awaitsAnswer: async (owner, repo, issue) => {
          const key = runKey(owner, repo, issue);
          const state = await store.stateOf(key);
          if (state === "needs-input") return true;
          // A live run's tasks may wait for an answer to their agents' questions.
          if (state === null || !isLive(state)) return false;
          return (await store.get(key))?.tasks.some((t) => t.status === "needs-input") ?? false;
        },
        hasActiveRun: async (owner, repo, issue) => {
          const state = await store.stateOf(runKey(owner, repo, issue));
          return state !== null && isActive(state);
        },
      })(probot, appOptions);
    });
    const http = await server.start();
    observeWebhooks(http, config.WEBHOOK_PATH, (event, status, seconds) =>
      operator.metrics.webhook(event, status, seconds),
    );
    const address = http.address();
    port = typeof address === "object" && address ? address.port : 0;
    url = `http://127.0.0.1:${port}`;
    closers.push(() => server.stop());
    if (config.WEBHOOK_PROXY_URL) {
      // Development: GitHub delivers to the proxy channel the App was registered with.
      const proxy = startWebhookProxy({
        source: config.WEBHOOK_PROXY_URL,
        target: `${url}${config.WEBHOOK_PATH}`,
        log,
      });
      closers.push(async () => proxy.close());
    }
  }

  const processor = eventProcessor({
    store,
    reviews,
    events,
    planner: specPlanner(
      planner
        ? plannerAsk(planner, join(dataDir, "planner"), config.TASK_TIMEOUT_MINUTES * 60_000, {
            isolation,
            network,
          })
        : null,
    ),
    dispatcher,
    github: (id) => app.forInstallation(id),
    reviewThreads: (id) => app.reviewThreads(id),
    backoff: redisBackoff(redis, prefix),
    baseTips: redisBaseTips(redis, prefix),
    log,
    onReviewPass: (trigger, figures) => tools?.metrics.reviewPass(trigger, figures),
  });

  if (roles.poller) {
    const poller = await startPollScheduler(
      redis,
      prefix,
      config.POLL_INTERVAL_SECONDS * 1000,
      async () => {
        const started = process.hrtime.bigint();
        let ok = false;
        try {
          await processor.pollCycle();
          ok = true;
        } finally {
          tools?.metrics.pollCycle(Number(process.hrtime.bigint() - started) / 1e9, ok);
        }
      },
      (error) => log.error({ err: error }, "review poller error"),
    );
    closers.push(() => poller.close());
  }

  if (roles.events) {
    const worker = startEventWorker(
      redis,
      prefix,
      processor.process,
      (errors) => log.warn({ errors }, "dropped an event job whose payload did not validate"),
      workerError("events worker error"),
      8,
      config.WORKER_LOCK_SECONDS * 1000,
      (event, error) => {
        processor.failedForGood(event, error).catch((failure: unknown) => {
          log.error({ err: failure }, "could not record an event job that failed for good");
        });
      },
    );
    closers.push(() => worker.close());
  }

  if (roles.worker) {
    const workspaces = new Workspaces({
      root: join(dataDir, "workspaces"),
      identity: { name: "Orchestrate", email: "orchestrate@users.noreply.github.com" },
    });
    // Failed attempts are logged with why and where their whole output is.
    const taskLog = { log, store, logsDir: join(dataDir, "logs") };
    const worker = startTaskWorker(
      redis,
      prefix,
      loggedTaskAttempts(taskLog, (job, signal) =>
        processTask(job, signal, {
          store,
          github: (id) => app.forInstallation(id),
          workspaces,
          backends,
          isolation,
          network,
          logsDir: join(dataDir, "logs"),
          taskTimeoutMs: config.TASK_TIMEOUT_MINUTES * 60_000,
          prices: config.prices,
          afterChange,
        }),
      ),
      {
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.WORKER_LOCK_SECONDS * 1000,
        onInvalid: (errors) =>
          log.warn({ errors }, "dropped a task job whose payload did not validate"),
        onError: workerError("task worker error"),
        onFailedForGood: (job, error) => {
          log.error(
            { err: error, runKey: job.runKey, taskId: job.taskId },
            "task job failed for good",
          );
          void taskJobFailed(job, error.message.split("\n")[0] ?? "unknown error", store)
            .then((task) =>
              task ? afterChange(job.runKey, job.installationId, task.group) : undefined,
            )
            .catch((failure: unknown) => {
              log.error({ err: failure }, "could not record a task job that failed for good");
            });
        },
      },
    );
    closers.push(() => worker.close());
  }

  return {
    url,
    port,
    log,
    async settle() {
      // Twice idle in a row: a finishing job may enqueue the next one.
      let idle = 0;
      while (idle < 2) {
        const pending = (await events.pending()) + (await tasks.pending());
        idle = pending === 0 ? idle + 1 : 0;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close(redisGraceMs = Number.POSITIVE_INFINITY) {
      const drained = (async () => {
        for (const close of closers.reverse()) await close();
        await events.close();
        await tasks.close();
        return true;
      })();
      const out = outOfReachFor(redis, redisGraceMs);
      const ended = await Promise.race([drained, out.promise]);
      out.cancel();
      redis.disconnect();
      return ended;
    },
  };
}

/** Resolves `false` once `redis` has not been ready for `ms` on end. */
function outOfReachFor(redis: RedisClient, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<false>((done) => {
    if (!Number.isFinite(ms)) return;
    let since: number | null = null;
    timer = setInterval(() => {
      if (redis.status === "ready") since = null;
      else if (since === null) since = Date.now();
      else if (Date.now() - since >= ms) done(false);
    }, 250);
    timer.unref();
  });
  return { promise, cancel: () => clearInterval(timer) };
}

/** An agent setting the environment's schema cannot check alone: its error as a ConfigError. */
function agentSetting<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ConfigError("The environment", [(error as Error).message]);
  }
}

/** The agent sandbox the operator configured, or a ConfigError that says how to get one. */
function sandboxFor(config: OperatorConfig, dataDir: string): Isolation {
  try {
    return chooseIsolation({
      unsafeNoSandbox: config.ORCHESTRATE_UNSAFE_NO_SANDBOX,
      bwrap: config.ORCHESTRATE_SANDBOX_BWRAP,
      readOnly: config.ORCHESTRATE_SANDBOX_READ_ONLY,
      shared: config.ORCHESTRATE_SANDBOX_SHARED,
      secret: [dataDir, ...(config.privateKeyPath ? [config.privateKeyPath] : [])],
    });
  } catch (error) {
    if (error instanceof IsolationUnavailableError) {
      throw new ConfigError("The agent sandbox", [error.message]);
    }
    throw error;
  }
}

/** The installations' shared write budget, or none when the operator turned pacing off. */
function writeBudgetOf(
  config: OperatorConfig,
  redis: RedisClient,
  prefix: string,
  windows: { minuteMs: number; hourMs: number } | undefined,
): WriteBudget | undefined {
  if (config.GITHUB_WRITES_PER_MINUTE === 0 || config.GITHUB_WRITES_PER_HOUR === 0)
    return undefined;
  const perHour = config.GITHUB_WRITES_PER_HOUR;
  return redisWriteBudget(redis, prefix, {
    ...DEFAULT_WRITE_LIMITS,
    ...windows,
    perMinute: config.GITHUB_WRITES_PER_MINUTE,
    perHour,
    // A few writes of the hour say why the others wait.
    noticeReserve: Math.min(DEFAULT_WRITE_LIMITS.noticeReserve, Math.floor(perHour / 4)),
    spacingMs: config.GITHUB_WRITE_SPACING_MS,
  });
}
