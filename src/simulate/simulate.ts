import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { loadOperatorConfig } from "../config/env.js";
import { freePort, startEmbeddedRedis } from "../queue/embeddedRedis.js";
import { keyPrefix } from "../queue/keyPrefix.js";
import { redisConnection } from "../queue/redisConnection.js";
import { redisRunStore } from "../queue/redisRunStore.js";
import { type RunSnapshot, runKey } from "../runs/run.js";
import { isEnded } from "../runs/runMachine.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { startOrchestrate } from "../server/startOrchestrate.js";
import { parseSpec } from "../spec/parseSpec.js";
import { lastAttemptLogPath } from "../worker/attemptLogDir.js";
import { killAllCommands } from "../worker/runCommand.js";
import type { SimulationResult } from "./simulationResult.js";

export type { SimulationResult } from "./simulationResult.js";

export interface SimulateOptions {
  specFile: string;
  /** shell commands, one backend each (`sh -c CMD`, the work order on stdin) */
  agents: string[];
  /** files the agent commands name (their scripts): shown to the agents' sandbox read-only */
  agentFiles?: string[];
  reviewsFile?: string;
  configFile?: string;
  verify?: string;
  /** a CI command the sandbox's GitHub Actions runs on every pushed branch head */
  ci?: string;
  /** wall-clock limit: past it the run is abandoned, its agents killed, and `timedOut` set */
  timeoutMs: number;
  /** aborting ends the simulation like the timeout does (Ctrl-C) */
  signal?: AbortSignal;
  progress(line: string): void;
}

const OWNER = "octo-org";
const NAME = "demo";
const REPO = `${OWNER}/${NAME}`;
const MAINTAINER = "simulated-maintainer";
/** How long a timed-out or interrupted run is given to be through its stop. */
const STOP_WAIT_MS = 10_000;

export async function simulate(o: SimulateOptions): Promise<SimulationResult> {
  const specText = await readFile(o.specFile, "utf8");
  const reviews = o.reviewsFile
    ? parseReviews(await readFile(o.reviewsFile, "utf8"), o.reviewsFile)
    : [];
  const sandboxModule = await loadSandbox();
  const work = await mkdtemp(join(tmpdir(), "orchestrate-simulate-"));
  // A run that did not end `done` keeps its agent logs (moved out of `work`) for the person.
  let keptLogs: string | null = null;
  let closeApp: (() => Promise<void>) | null = null;
  const cleanups: Array<() => Promise<unknown>> = [
    () => rm(work, { recursive: true, force: true }),
  ];
  const deadline = Date.now() + o.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<"timeout" | "aborted">((done) => {
    timer = setTimeout(() => done("timeout"), o.timeoutMs);
    o.signal?.addEventListener("abort", () => done("aborted"), { once: true });
  });
  try {
    const redis = await startEmbeddedRedis(join(work, "redis"));
    cleanups.unshift(() => redis.stop());
    const sandbox = await sandboxModule.startSandbox({ dataDir: join(work, "github") });
    cleanups.unshift(() => sandbox.close());
    o.progress(`simulated GitHub at ${sandbox.url}, Redis at ${redis.address}`);

    await sandbox.createRepo({ owner: OWNER, name: NAME, files: await seedFiles(o, specText) });
    sandbox.setPermission(REPO, MAINTAINER, "admin");
    if (o.ci) await sandbox.setCi(REPO, { name: "ci", command: o.ci });

    const secret = randomBytes(16).toString("hex");
    const config = loadOperatorConfig({
      ...passThroughEnv(),
      // The agents' scripts are outside every sandbox's view unless shown to it.
      ORCHESTRATE_SANDBOX_READ_ONLY: [
        ...(process.env["ORCHESTRATE_SANDBOX_READ_ONLY"] ?? "").split(":"),
        ...(o.agentFiles ?? []),
      ]
        .filter((p) => p !== "")
        .join(":"),
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: sandbox.privateKey,
      WEBHOOK_SECRET: secret,
      GITHUB_API_URL: sandbox.url,
      ORCHESTRATE_DATA_DIR: join(work, "data"),
      ORCHESTRATE_BACKENDS: JSON.stringify(
        o.agents.map((command, i) => ({
          name: o.agents.length === 1 ? "agent" : `agent-${i + 1}`,
          command: ["sh", "-c", command],
          promptVia: "stdin",
        })),
      ),
      GITHUB_THROTTLE: "off",
      // The sandbox enforces GitHub's content limits: writes are paced, without the 1 s spacing.
      GITHUB_WRITE_SPACING_MS: "0",
      // Short, so a simulation with reviews finishes in seconds; webhooks still come first.
      POLL_INTERVAL_SECONDS: "2",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "fatal",
    });
    const app = await startOrchestrate({
      config,
      redisUrl: redis.url,
      host: "127.0.0.1",
      port: await freePort(),
      roles: { webhooks: true, events: true, worker: true, poller: true },
    });
    // Closing waits for the tasks in hand: kill their agents (and any they start while closing)
    // so a timed-out or interrupted simulation ends now, with nothing left running.
    let closing: Promise<void> | null = null;
    closeApp = () => {
      closing ??= (async () => {
        killAllCommands();
        const killer = setInterval(killAllCommands, 100);
        try {
          await app.close();
        } finally {
          clearInterval(killer);
        }
      })();
      return closing;
    };
    cleanups.unshift(closeApp);
    sandbox.setWebhookTarget({ url: `${app.url}${config.WEBHOOK_PATH}`, secret });

    const issue = sandbox.createIssue(REPO, {
      title: titleOf(specText, o.specFile),
      body: specText,
      user: MAINTAINER,
    });
    await sandbox.addLabel(REPO, issue.number, "orchestrate", MAINTAINER);
    o.progress(`issue #${issue.number} labelled \`orchestrate\`; waiting for the run to end`);

    const connection = redisConnection(redis.url);
    cleanups.unshift(async () => connection.disconnect());
    const store = redisRunStore(connection, keyPrefix(connection, config.ORCHESTRATE_PREFIX));
    const key = runKey(OWNER, NAME, issue.number);
    let last = "";
    let snapshot: RunSnapshot | null = null;
    let ended: "timeout" | "aborted" | null = null;
    const posted = new Set<string>();
    for (;;) {
      // settle() waits for running tasks; the wall clock must not.
      const settled = Promise.all([app.settle(), sandbox.webhooksSettled()]);
      settled.catch(() => undefined);
      ended = (await Promise.race([settled.then(() => null), stopped])) ?? ended;
      snapshot = await store.get(key);
      if (ended === null && Date.now() > deadline) ended = "timeout";
      // The caller says so (result.run.stopped); the agents are killed on the way out.
      if (ended !== null) break;
      if (await postReviews(sandbox, snapshot, reviews, posted, o.progress)) continue;
      const state = snapshot?.run.state ?? "planning";
      if (state !== last)
        o.progress(`run: ${state}${snapshot?.run.reason ? ` — ${snapshot.run.reason}` : ""}`);
      last = state;
      if (snapshot && isEnded(snapshot.run.state)) break;
      if (snapshot?.run.state === "needs-input") break;
      // Nothing queued or running, and tasks wait for answers: only a person moves it on now.
      if (
        snapshot?.tasks.some((t) => t.status === "needs-input") &&
        !snapshot.tasks.some((t) => t.status === "ready" || t.status === "in_progress")
      ) {
        break;
      }
      await Promise.race([new Promise((r) => setTimeout(r, 100)), stopped]);
    }
    if (ended !== null && snapshot && !isEnded(snapshot.run.state)) {
      // Stopped the way a maintainer stops a run, so what is reported is the stopped run: its
      // agents killed by their workers and its tasks cancelled (bounded: Ctrl-C must not wait).
      await sandbox.comment(REPO, issue.number, MAINTAINER, "/orchestrate stop").catch(() => {});
      const until = Date.now() + STOP_WAIT_MS;
      for (;;) {
        snapshot = (await store.get(key).catch(() => null)) ?? snapshot;
        const through =
          snapshot !== null &&
          isEnded(snapshot.run.state) &&
          !snapshot.tasks.some((t) => t.status === "in_progress");
        if (through || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const result = await collect(sandbox, snapshot);
    result.run.stopped = ended;
    if (result.run.state !== "done" || ended !== null) {
      // The agents are killed before their logs are moved, so the logs are complete.
      await closeApp?.().catch(() => {});
      keptLogs = await keepLogs(join(work, "data", "logs"));
    }
    result.logs = keptLogs;
    for (const task of result.tasks) {
      const log = keptLogs ? lastAttemptLogPath(keptLogs, key, task.id) : null;
      task.log = log && existsSync(log) ? log : null;
    }
    return result;
  } finally {
    clearTimeout(timer);
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

/**
 * Posts the reviews listed for each group once its PR is open: one review per author and group,
 * as that author (given the listed permission). Returns true when it posted any.
 */
async function postReviews(
  sandbox: Sandbox,
  snapshot: RunSnapshot | null,
  reviews: SimulatedReview[],
  posted: Set<string>,
  progress: (line: string) => void,
): Promise<boolean> {
  let any = false;
  const groups = snapshot?.run.groups ?? [];
  for (const review of reviews) {
    // A review for a group the plan does not have would be waited for in vain: said once.
    const id = `unknown\u0000${review.group}`;
    if (groups.length === 0 || posted.has(id) || groups.some((g) => g.name === review.group)) {
      continue;
    }
    posted.add(id);
    progress(
      `--reviews names group "${review.group}", which the plan does not have (it has: ${groups.map((g) => g.name).join(", ")}): its comments are not posted`,
    );
  }
  for (const group of groups) {
    if (group.pull === null) continue;
    const mine = reviews.filter((r) => r.group === group.name);
    for (const author of new Set(mine.map((r) => r.author))) {
      const id = `${group.name}\u0000${author}`;
      if (posted.has(id)) continue;
      posted.add(id);
      const comments = mine.filter((r) => r.author === author);
      const first = comments[0];
      if (!first) continue;
      sandbox.addUser(author, first.bot || author.endsWith("[bot]") ? "Bot" : "User");
      sandbox.setPermission(REPO, author, first.permission);
      try {
        await sandbox.postReview(REPO, group.pull, {
          user: author,
          comments: comments.map((c) => ({ path: c.path, line: c.line, body: c.body })),
        });
        progress(`${author} reviewed #${group.pull} with ${comments.length} comment(s)`);
      } catch (error) {
        progress(
          `could not post ${author}'s review on #${group.pull}: ${(error as Error).message}`,
        );
      }
      any = true;
    }
  }
  return any;
}

interface SimulatedReview {
  group: string;
  path: string;
  line: number;
  body: string;
  author: string;
  permission: "admin" | "write" | "read" | "none";
  bot: boolean;
}

function parseReviews(text: string, file: string): SimulatedReview[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = reviewsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${file} is not a list of reviews:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}

const reviewsSchema = z.array(
  z.object({
    group: z.string().min(1),
    path: z.string().min(1),
    line: z.number().int().positive(),
    body: z.string().min(1),
    author: z.string().min(1),
    permission: z.enum(["admin", "write", "read", "none"]).default("write"),
    bot: z.boolean().default(false),
  }),
);

async function collect(sandbox: Sandbox, snapshot: RunSnapshot | null): Promise<SimulationResult> {
  const repo = sandbox.state.repos.get(REPO);
  const branches = (await sandbox.branches(REPO)).map((b) => ({ name: b.name, head: b.sha }));
  const groups = snapshot?.run.groups ?? [];
  const pulls: SimulationResult["pulls"] = [];
  for (const pull of repo?.pulls.values() ?? []) {
    const files = await changedFiles(sandbox, pull.base, pull.head);
    const record = groups.find((g) => g.branch === pull.head);
    const ci = record?.ci && record.ci.state !== "none" ? record.ci : null;
    pulls.push({
      number: pull.number,
      group: record?.name ?? "",
      branch: pull.head,
      base: pull.base,
      state: pull.merged ? "merged" : pull.state,
      ci: ci ? { state: ci.state, failing: ci.failing ?? [] } : null,
      files,
    });
  }
  const threads: SimulationResult["threads"] = [];
  for (const thread of repo?.threads.values() ?? []) {
    const comments = thread.commentIds
      .map((id) => repo?.reviewComments.get(id))
      .filter((c) => c !== undefined);
    const [first, ...replies] = comments;
    threads.push({
      pull: thread.pullNumber,
      path: thread.path,
      line: thread.line,
      author: first?.user ?? "",
      isResolved: thread.isResolved,
      replies: replies.map((c) => ({ author: c.user, body: c.body })),
    });
  }
  return {
    run: {
      state: snapshot?.run.state ?? "planning",
      reason: snapshot?.run.reason ?? null,
      errors: snapshot?.run.errors ?? [],
      questions: [
        ...(snapshot?.run.questions ?? []),
        ...(snapshot?.tasks ?? []).flatMap((t) =>
          t.status === "needs-input" && t.question ? [`task ${t.id}: ${t.question.text}`] : [],
        ),
      ],
      stopped: null,
    },
    logs: null,
    tasks: [...(snapshot?.tasks ?? [])]
      .sort(
        (a, b) =>
          a.group.localeCompare(b.group) ||
          a.kind.localeCompare(b.kind) ||
          a.id.localeCompare(b.id),
      )
      .map((t) => ({
        id: t.id,
        group: t.group,
        kind: t.kind,
        status: t.status,
        attempts: t.attempts,
        backend: t.lastBackend ?? null,
        commit: t.commit ?? null,
        error: t.status === "failed" ? (t.report ?? "failed") : null,
        log: null,
      })),
    branches,
    pulls,
    threads,
    github: { requests: sandbox.state.requests.length, graphqlPoints: sandbox.state.graphqlPoints },
  };
}

/** Moves the run's agent logs out of the simulation's folder, which is deleted. */
async function keepLogs(logs: string): Promise<string | null> {
  if (!existsSync(logs)) return null;
  const kept = await mkdtemp(join(tmpdir(), "orchestrate-simulate-logs-"));
  await rm(kept, { recursive: true, force: true });
  await rename(logs, kept);
  return kept;
}

async function changedFiles(sandbox: Sandbox, base: string, head: string): Promise<string[]> {
  const { execFile } = await import("node:child_process");
  const gitDir = sandbox.state.repos.get(REPO)?.gitDir ?? "";
  return new Promise((done) => {
    execFile(
      "git",
      ["--git-dir", gitDir, "diff", "--name-only", `${base}...${head}`],
      (error, stdout) => done(error ? [] : stdout.split("\n").filter(Boolean)),
    );
  });
}

/** The seeded repository: a README, the spec files the spec names, and the repo config. */
async function seedFiles(o: SimulateOptions, specText: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    "README.md": "# demo\n\nA repository seeded by orchestrate simulate.\n",
  };
  const base = dirname(resolve(o.specFile));
  for (const path of parseSpec(specText).files) {
    try {
      files[path] = await readFile(resolve(base, path), "utf8");
    } catch {
      // Missing: the app reports it on the issue, as it would for a real repository.
    }
  }
  let config = o.configFile ? await readFile(o.configFile, "utf8") : "";
  if (o.verify)
    config += `${config && !config.endsWith("\n") ? "\n" : ""}verify: ${JSON.stringify(o.verify)}\n`;
  if (config) files[".github/orchestrate.yml"] = config;
  return files;
}

function titleOf(spec: string, file: string): string {
  const heading = /^#{1,6}\s+(.+)$/m.exec(spec)?.[1]?.trim();
  return (heading ?? file.split("/").pop() ?? "Simulated spec").slice(0, 200);
}

/** The operator settings a simulation honours from the environment (a planner, limits). */
function passThroughEnv(): Record<string, string> {
  const names = [
    "ORCHESTRATE_PLANNER",
    "TASK_TIMEOUT_MINUTES",
    "WORKER_CONCURRENCY",
    "ORCHESTRATE_SANDBOX_SHARED",
    "ORCHESTRATE_SANDBOX_NETWORK",
    "ORCHESTRATE_SANDBOX_BWRAP",
    "ORCHESTRATE_UNSAFE_NO_SANDBOX",
  ];
  const out: Record<string, string> = {};
  for (const name of names) if (process.env[name]) out[name] = process.env[name] as string;
  return out;
}

async function loadSandbox(): Promise<typeof import("../sandbox/sandbox.js")> {
  try {
    return await import("../sandbox/sandbox.js");
  } catch (error) {
    throw new Error(
      `the simulated GitHub needs the development dependencies (graphql, @octokit/openapi…): run \`npm ci\` in a clone of Orchestrate (${(error as Error).message.split("\n")[0]})`,
    );
  }
}
