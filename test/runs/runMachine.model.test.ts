import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseRepoConfig } from "../../src/config/repoConfig.js";
import { redisReviewStore } from "../../src/queue/redisReviewStore.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { dispatchReady, type ReadyJob } from "../../src/runs/dispatchReady.js";
import type { PlannedWork } from "../../src/runs/mergePlan.js";
import { runKey, type TaskRecord } from "../../src/runs/run.js";
import { type Dispatcher, runLifecycle } from "../../src/runs/runLifecycle.js";
import { isEnded, isLive, isOpenTask } from "../../src/runs/runMachine.js";
import type { RunStore } from "../../src/runs/runStore.js";
import { settleAfterChange } from "../../src/runs/settleAfterChange.js";
import {
  askedAttempt,
  cancelAttempt,
  cancelForEndedRun,
  claimAttempt,
  completeAttempt,
  failedAttempt,
  isThisAttempt,
  isThisGeneration,
  mayPush,
} from "../../src/runs/taskAttempt.js";
import { taskJobFailed } from "../../src/worker/taskJobFailed.js";
import { MemoryGitHub } from "./memoryGitHub.js";

// Model-based: random interleavings of triggers, stops, retries, re-plans, worker claims,
// pushes, failures and lost jobs, driven through the real use cases and the real Redis store,
// each step checked against what must always hold. The queue is modelled as BullMQ behaves:
// a job id it has seen is never queued again (it keeps them for days).

const OWNER = "octo-org";
const REPO = "model";
const ISSUE = 1;
const KEY = runKey(OWNER, REPO, ISSUE);

interface QueuedJob extends ReadyJob {
  /** whether this worker hears the stop message (a missed one must not matter) */
  hears: boolean;
  aborted: boolean;
}

/** A plan: which of TASKS are in it and which version of each one's description. */
interface PlanShape {
  present: boolean[];
  variant: number[];
}
const TASKS = 5;

function plannedWork(shape: PlanShape): PlannedWork {
  const ids = shape.present.flatMap((p, i) => (p ? [i] : []));
  const tasks: TaskRecord[] = ids.map((i) => ({
    id: `t${i}`,
    group: `g${i % 2}`,
    // Each task waits on the task before it in the plan, when it is in the plan.
    depends_on: i > 0 && shape.present[i - 1] ? [`t${i - 1}`] : [],
    title: `Task ${i}`,
    description: `version ${shape.variant[i] ?? 0}`,
    priority: 1,
    status: "pending",
    kind: "implement",
    attempts: 0,
  }));
  const groups = [...new Set(tasks.map((t) => t.group))].map((name) => ({
    name,
    branch: `orchestrate/${ISSUE}-${name}`,
  }));
  return { tasks, groups };
}

class World {
  readonly github = new MemoryGitHub();
  readonly queue: QueuedJob[] = [];
  readonly running: QueuedJob[] = [];
  readonly seenJobIds = new Set<string>();
  /** everything that happened, in order, for the invariants */
  readonly events: Array<
    | { kind: "stop"; generation: number }
    | { kind: "live"; generation: number }
    | { kind: "push"; generation: number; task: string }
    | { kind: "pull"; generation: number }
    | { kind: "complete"; task: string; epoch: number }
  > = [];
  plan: PlanShape = { present: [true, true, true, false, false], variant: [0, 0, 0, 0, 0] };
  /** bumped for a task each time its stored definition changes */
  readonly epochs = new Map<string, { description: string; epoch: number }>();
  generation = 0;
  readonly lifecycle;
  readonly dispatcher: Dispatcher;

  constructor(
    readonly store: RunStore,
    readonly reviews: ReturnType<typeof redisReviewStore>,
    readonly runAttempts: number,
  ) {
    this.github.issues.set(ISSUE, {
      number: ISSUE,
      title: "A model run",
      body: "",
      author: "maintainer-user",
      isPullRequest: false,
      state: "open",
    });
    // Tagged when the step ends (see step): a start that makes a new generation may open a
    // pull in the same step, and that pull is the new generation's, not the stopped one's.
    this.github.onCreatePull = () => this.events.push({ kind: "pull", generation: Number.NaN });
    this.dispatcher = {
      dispatchReady: async (key) => {
        await dispatchReady(key, store, async (jobs) => this.enqueue(jobs));
      },
      cancelRun: async () => {
        this.queue.splice(0);
        for (const job of this.running) if (job.hears) job.aborted = true;
      },
      cancelTasks: async (_key, ids) => {
        for (let i = this.queue.length - 1; i >= 0; i--) {
          if (ids.includes(this.queue[i]?.taskId ?? "")) this.queue.splice(i, 1);
        }
        for (const job of this.running)
          if (job.hears && ids.includes(job.taskId)) job.aborted = true;
      },
      settleGroups: async (key, _installation, groups) => {
        for (const group of groups) await this.settle(key, group);
      },
    };
    this.lifecycle = runLifecycle({
      github: this.github,
      store,
      status: { publish: async () => ({ id: 1, digest: "d" }) },
      planner: { plan: async () => ({ kind: "plan", ...plannedWork(this.plan) }) },
      dispatcher: this.dispatcher,
      reviews,
    });
  }

  get config() {
    return parseRepoConfig({ limits: { attempts: 2, run_attempts: this.runAttempts } });
  }

  enqueue(jobs: ReadyJob[]): void {
    for (const job of jobs) {
      const id = `${job.runKey}-g${job.generation}-${job.taskId}-a${job.attempt}`;
      if (this.seenJobIds.has(id)) continue;
      this.seenJobIds.add(id);
      this.queue.push({ ...job, hears: true, aborted: false });
    }
  }

  async settle(key: string, group: string): Promise<void> {
    await settleAfterChange(key, group, {
      store: this.store,
      reviews: this.reviews,
      github: this.github,
      threads: {
        threadDetails: async () => [],
        reply: async () => ({ commentId: "", url: "" }),
        resolve: async () => undefined,
      },
      dispatcher: this.dispatcher,
      followReviews: async () => undefined,
      requestPublish: async () => undefined,
    });
  }

  /** What the store says now, noted for the invariants. */
  async observe(): Promise<void> {
    const snapshot = await this.store.get(KEY);
    if (!snapshot) return;
    this.generation = snapshot.run.generation ?? 1;
    for (const task of snapshot.tasks) {
      const known = this.epochs.get(task.id);
      if (!known || known.description !== task.description) {
        this.epochs.set(task.id, { description: task.description, epoch: (known?.epoch ?? 0) + 1 });
      }
    }
  }

  target() {
    return { owner: OWNER, repo: REPO, issueNumber: ISSUE, installationId: 7 };
  }
}

type Step = fc.AsyncCommand<object, World>;

const step = (name: string, run: (w: World) => Promise<void>): Step => ({
  check: () => true,
  run: async (_m, w) => {
    await w.observe();
    await run(w);
    await w.observe();
    for (const e of w.events)
      if (e.kind === "pull" && Number.isNaN(e.generation)) e.generation = w.generation;
    await invariants(w);
  },
  toString: () => name,
});

/** A worker takes the i-th queued job, as processTask does. */
const take = (i: number, hears: boolean) =>
  step(`take(${i},${hears})`, async (w) => {
    if (w.queue.length === 0) return;
    const [job] = w.queue.splice(i % w.queue.length, 1);
    if (!job) return;
    const snapshot = await w.store.get(job.runKey);
    if (!snapshot || !isThisGeneration(snapshot.run, job)) return;
    if (!isLive(snapshot.run.state)) {
      const t = await w.store.updateTask(job.runKey, job.taskId, (t, run) =>
        cancelForEndedRun(t, run),
      );
      if (t) await w.settle(job.runKey, t.group);
      return;
    }
    const claimed = await w.store.updateTask(job.runKey, job.taskId, (t, run) =>
      claimAttempt(t, run, job, { now: new Date().toISOString(), unsandboxed: false }),
    );
    if (claimed) w.running.push({ ...job, hears });
  });

/** The i-th running attempt ends: pushed, failed, asked a question, or lost by its worker. */
const finish = (i: number, how: "push" | "fail" | "ask" | "lost") =>
  step(`finish(${i},${how})`, async (w) => {
    if (w.running.length === 0) return;
    const [job] = w.running.splice(i % w.running.length, 1);
    if (!job) return;
    const now = new Date().toISOString();
    let task: TaskRecord | null = null;
    if (how === "lost") {
      task = await taskJobFailed(job, "job stalled more than allowable limit", w.store);
    } else if (job.aborted) {
      task = await w.store.updateTask(job.runKey, job.taskId, (t) =>
        cancelAttempt(t, job, { now }),
      );
    } else if (how === "fail") {
      task = await w.store.updateTask(job.runKey, job.taskId, (t, run) =>
        isThisAttempt(t, job)
          ? failedAttempt(t, run, { attempt: job.attempt, detail: "verify failed", fatal: false })
          : null,
      );
    } else if (how === "ask") {
      task = await w.store.updateTask(job.runKey, job.taskId, (t, run) =>
        askedAttempt(t, run, job, { question: "Which one?", backend: "b", durationMs: 1, now }),
      );
    } else if (mayPush(await w.store.get(job.runKey), job)) {
      w.events.push({ kind: "push", generation: job.generation, task: job.taskId });
      task = await w.store.updateTask(job.runKey, job.taskId, (t) =>
        completeAttempt(t, job, { commit: "c0ffee", report: "done", now }),
      );
      if (task) {
        w.events.push({
          kind: "complete",
          task: task.id,
          epoch: w.epochs.get(task.id)?.epoch ?? 0,
        });
      }
    } else {
      task = await w.store.updateTask(job.runKey, job.taskId, (t) =>
        cancelAttempt(t, job, { now }),
      );
    }
    if (task) await w.settle(job.runKey, task.group);
  });

const start = step("start", async (w) => {
  await w.lifecycle.start(w.target(), "maintainer-user", w.config, false, randomUUID());
  const snapshot = await w.store.get(KEY);
  if (snapshot && !isEnded(snapshot.run.state)) {
    w.events.push({ kind: "live", generation: snapshot.run.generation ?? 1 });
  }
});

const stop = step("stop", async (w) => {
  await w.lifecycle.stop(w.target(), "maintainer-user", randomUUID());
  if ((await w.store.stateOf(KEY)) === "stopped") {
    const run = await w.store.get(KEY);
    w.events.push({ kind: "stop", generation: run?.run.generation ?? 1 });
  }
});

const retry = (i: number) =>
  step(`retry(t${i})`, async (w) => {
    await w.lifecycle.retry(w.target(), "maintainer-user", `t${i}`, randomUUID());
    const snapshot = await w.store.get(KEY);
    if (snapshot && !isEnded(snapshot.run.state)) {
      w.events.push({ kind: "live", generation: snapshot.run.generation ?? 1 });
    }
  });

/** A maintainer's comment: the answer to whatever waits for one. */
const answer = step("answer", async (w) => {
  await w.lifecycle.answer(w.target(), "maintainer-user", w.config, "This one.");
});

const replan = (shape: PlanShape) =>
  step(`replan(${JSON.stringify(shape)})`, async (w) => {
    w.plan = shape;
    await w.lifecycle.replan(w.target(), "maintainer-user", true, randomUUID());
  });

async function invariants(w: World): Promise<void> {
  // No task completes twice for one definition of it.
  const completions = w.events.flatMap((e) =>
    e.kind === "complete" ? [`${e.task}@${e.epoch}`] : [],
  );
  expect(completions.length).toBe(new Set(completions).size);
  // Nothing is pushed or opened after a stop of its generation, until it is live again.
  const stopped = new Set<number>();
  for (const e of w.events) {
    if (e.kind === "stop") stopped.add(e.generation);
    if (e.kind === "live") stopped.delete(e.generation);
    if (e.kind === "push" || e.kind === "pull") {
      expect(stopped.has(e.generation), `${e.kind} after a stop`).toBe(false);
    }
  }
  const snapshot = await w.store.get(KEY);
  if (!snapshot) return;
  // A run whose work is all done is never stopped by its budget.
  if (snapshot.run.state === "stopped" && /budget/.test(snapshot.run.reason ?? "")) {
    expect(
      snapshot.tasks.some((t) => t.status === "cancelled" && t.report === "budget spent"),
    ).toBe(true);
  }
  // A stopped run has no task left waiting for an answer; a done one none at all.
  if (snapshot.run.state === "stopped" || snapshot.run.state === "done") {
    expect(snapshot.tasks.filter((t) => t.status === "needs-input").map((t) => t.id)).toEqual([]);
  }
  // An ended run has nothing running or queued that could still move it.
  if (isEnded(snapshot.run.state)) {
    for (const t of snapshot.tasks) {
      if (t.status === "ready" || t.status === "pending") {
        expect(["failed", "stopped"]).toContain(snapshot.run.state);
      }
    }
  }
}

/** After the sequence: every queued job is taken and every attempt pushed, until quiet. */
async function drain(w: World): Promise<void> {
  const waiting = async () =>
    (await w.store.get(KEY))?.tasks.some((t) => t.status === "needs-input") ?? false;
  for (
    let round = 0;
    round < 200 && (w.queue.length > 0 || w.running.length > 0 || (await waiting()));
    round++
  ) {
    if (w.running.length > 0) await finish(0, "push").run({}, w);
    else if (w.queue.length > 0) await take(0, true).run({}, w);
    // Questions left open are answered; a run that ended with some (failed) is run again.
    else if (isLive((await w.store.stateOf(KEY)) ?? "done")) await answer.run({}, w);
    else await start.run({}, w);
  }
  expect(w.queue.length + w.running.length, "the work never ran out").toBe(0);
  const snapshot = await w.store.get(KEY);
  if (!snapshot) return;
  // Every run ends, or is waiting for people: none is left live with nothing to move it.
  expect(
    ["done", "failed", "stopped"],
    JSON.stringify({
      run: [snapshot.run.state, snapshot.run.reason, snapshot.run.groups],
      tasks: snapshot.tasks.map((t) => [t.id, t.status, t.attempts, t.depends_on]),
    }),
  ).toContain(snapshot.run.state);
  const stuck = snapshot.tasks.filter((t) => t.status === "ready" || t.status === "in_progress");
  expect(stuck.map((t) => t.id)).toEqual([]);
  if (snapshot.run.state === "done") {
    expect(snapshot.tasks.filter((t) => isOpenTask(t.status)).map((t) => t.id)).toEqual([]);
  }
}

const shapeArb = fc.record({
  present: fc.array(fc.boolean(), { minLength: TASKS, maxLength: TASKS }),
  variant: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: TASKS, maxLength: TASKS }),
});

const commands = [
  fc.constant(start),
  fc.constant(stop),
  fc.integer({ min: 0, max: TASKS - 1 }).map(retry),
  shapeArb.map(replan),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, hears]) => take(i, hears)),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom("push" as const, "fail" as const, "ask" as const, "lost" as const),
    )
    .map(([i, how]) => finish(i, how)),
  fc.tuple(fc.nat(), fc.constant("push" as const)).map(([i, how]) => finish(i, how)),
  fc.constant(answer),
];

describe("the run and task state machine, under random interleavings", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  it("keeps its invariants: no double completion, nothing pushed or opened after a stop, budget stops only unfinished work, no question left waiting in a stopped or done run, and every run ends", async () => {
    const refusals: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 40 }),
        fc.integer({ min: 2, max: 12 }),
        async (steps, runAttempts) => {
          const prefix = `model-${randomUUID().slice(0, 8)}`;
          const store = redisRunStore(redis, prefix, {
            onRefused: (r) => refusals.push(`${r.what} ${r.from}→${r.to}`),
          });
          const world = new World(store, redisReviewStore(redis, prefix), runAttempts);
          await start.run({}, world);
          await fc.asyncModelRun(() => ({ model: {}, real: world }), steps);
          await drain(world);
        },
      ),
      { numRuns: 300 },
    );
    // The writers never asked the store for a change the machine has no move for.
    expect(refusals).toEqual([]);
  });
});
