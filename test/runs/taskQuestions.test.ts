import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseRepoConfig } from "../../src/config/repoConfig.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { answerTasks } from "../../src/runs/answerTasks.js";
import { askQuestions } from "../../src/runs/askQuestions.js";
import { mergePlan } from "../../src/runs/mergePlan.js";
import type { RunSnapshot, TaskRecord } from "../../src/runs/run.js";
import { runLifecycle } from "../../src/runs/runLifecycle.js";
import { taskMay } from "../../src/runs/runMachine.js";
import { settleRun } from "../../src/runs/settleRun.js";
import { renderStateSection } from "../../src/runs/status/renderStateSection.js";
import { askedAttempt, failedAttempt } from "../../src/runs/taskAttempt.js";
import { MemoryGitHub } from "./memoryGitHub.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

const config = parseRepoConfig({ limits: { attempts: 2 } });
const now = "2025-03-01T11:00:00.000Z";
const inProgress = (over: Partial<TaskRecord> = {}) =>
  taskRecord("db", { status: "in_progress", attempts: 1, ...over });
const ask = (t: TaskRecord, run = runRecord({ config }), question = "Which database?") =>
  askedAttempt(t, run, { attempt: t.attempts }, { question, backend: "codex", durationMs: 5, now });

describe("a task whose agent asks a question", () => {
  it("waits for an answer, its attempt counted against neither success nor its attempt limit", () => {
    const asked = ask(inProgress());
    expect(asked).toMatchObject({
      status: "needs-input",
      question: { text: "Which database?", attempt: 1 },
      report: "asked: Which database?",
    });
    expect(taskMay("in_progress", "needs-input", "worker")).toBe(true);
    // Answered, it fails twice: only then is it failed (the limit is 2 attempts).
    const second = { ...asked!, status: "in_progress" as const, attempts: 2 };
    const once = failedAttempt(second, runRecord({ config }), {
      attempt: 2,
      detail: "verify failed",
      fatal: false,
    });
    expect(once.status).toBe("pending");
    const third = { ...once, status: "in_progress" as const, attempts: 3 };
    expect(
      failedAttempt(third, runRecord({ config }), {
        attempt: 3,
        detail: "verify failed",
        fatal: false,
      }).status,
    ).toBe("failed");
  });

  it("asks nobody when its run was stopped while the agent worked: the attempt is cancelled", () => {
    expect(ask(inProgress(), runRecord({ state: "stopped" }))?.status).toBe("cancelled");
  });

  it("is answered by a maintainer's comment: back to pending with the question and answer kept", () => {
    const waiting = taskRecord("db", {
      status: "needs-input",
      attempts: 1,
      question: { text: "Which database?", attempt: 1, commentId: 5 },
      answers: [{ question: "Which schema?", answer: "public", by: "bob" }],
    });
    const change = answerTasks(
      { run: runRecord(), tasks: [waiting, taskRecord("api")] },
      "alice",
      "  Postgres, please.\n",
    );
    expect(change?.tasks).toEqual([
      {
        ...waiting,
        status: "pending",
        question: undefined,
        report: "answered by @alice",
        answers: [
          { question: "Which schema?", answer: "public", by: "bob" },
          { question: "Which database?", answer: "Postgres, please.", by: "alice" },
        ],
      },
    ]);
    expect(taskMay("needs-input", "pending", "command")).toBe(true);
    // With nothing waiting, or a run that is not live, a comment answers nothing.
    expect(answerTasks({ run: runRecord(), tasks: [taskRecord("api")] }, "a", "x")).toBeNull();
    expect(
      answerTasks({ run: runRecord({ state: "stopped" }), tasks: [waiting] }, "a", "x"),
    ).toBeNull();
  });

  it("keeps waiting through a re-plan that leaves its work as it was, and starts over when it changed", () => {
    const waiting = taskRecord("db", {
      status: "needs-input",
      attempts: 1,
      question: { text: "Which database?", attempt: 1 },
    });
    const groups = [{ name: "data", branch: "orchestrate/12-data" }];
    const same = mergePlan(
      { tasks: [waiting], groups: [] },
      { tasks: [taskRecord("db")], groups },
      { retryEnded: true },
    );
    expect(same.tasks[0]).toMatchObject({ status: "needs-input", question: waiting.question });
    const changed = mergePlan(
      { tasks: [waiting], groups: [] },
      { tasks: [taskRecord("db", { description: "Do db with SQLite" })], groups },
      { retryEnded: false },
    );
    expect(changed.tasks[0]).toMatchObject({ status: "pending", changes: "changed" });
    expect(changed.tasks[0]?.question).toBeUndefined();
  });

  it("shows in the status comment as waiting for an answer, with its question", () => {
    const section = renderStateSection(
      {
        run: runRecord(),
        tasks: [
          taskRecord("db", {
            status: "needs-input",
            question: { text: "Ask @octocat? closes #1", attempt: 1 },
          }),
        ],
      },
      10,
    );
    expect(section).toContain("**Waiting for an answer:**");
    expect(section).toContain("`db` Title of db: Ask @&#8203;octocat? closes \\#1");
    expect(section).toContain("The next comment of a maintainer on this issue answers them");
  });
});

describe("questions through the run store", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  async function stored(tasks: TaskRecord[]) {
    const prefix = `ask-${randomUUID().slice(0, 8)}`;
    const store = redisRunStore(redis, prefix, {
      onRefused: (r) => {
        throw new Error(`refused ${r.what} ${r.from}→${r.to}`);
      },
    });
    const snapshot: RunSnapshot = {
      run: runRecord({ config, startedBy: "alice" }),
      tasks,
    };
    await store.put(snapshot);
    return { store, key: snapshot.run.key };
  }

  const waiting = (id: string, text: string) =>
    taskRecord(id, { status: "needs-input", attempts: 1, question: { text, attempt: 1 } });

  it("posts each question once on the issue, escaped, mentioning whoever started the run", async () => {
    const { store, key } = await stored([
      waiting("db", "Which database?\n\n@octocat says closes #1, <b>really</b>"),
      taskRecord("api", { status: "complete", attempts: 1 }),
    ]);
    const github = new MemoryGitHub();
    expect(await askQuestions(key, { store, github })).toBe(1);
    const [comment, ...others] = github.comments;
    expect(others).toEqual([]);
    expect(comment?.body).toContain(
      "@alice, task `db` (Title of db) cannot go on without an answer. Its agent asks:",
    );
    expect(comment?.body).toContain(
      "> Which database?\n>\n> @&#8203;octocat says closes \\#1, &lt;b&gt;really&lt;/b&gt;",
    );
    expect(comment?.body).toContain("the next comment of someone with write access");
    expect((await store.get(key))?.tasks.find((t) => t.id === "db")?.question?.commentId).toBe(
      comment?.id,
    );
    // Asked again (a retried settle): nothing new is posted.
    expect(await askQuestions(key, { store, github })).toBe(0);
    // A settle retried after GitHub took the comment but before it was noted finds it.
    await store.updateTask(key, "db", (t) => ({
      ...t,
      question: { text: t.question?.text ?? "", attempt: 1 },
    }));
    await askQuestions(key, { store, github });
    expect(github.comments).toHaveLength(1);
  });

  it("holds a run whose only remaining work waits for answers, saying so", async () => {
    const { store, key } = await stored([
      waiting("db", "Which database?"),
      taskRecord("api", { status: "failed", attempts: 2 }),
      taskRecord("ui", { status: "complete", attempts: 1 }),
    ]);
    const run = await settleRun(key, store);
    expect(run?.state).toBe("running");
    expect(run?.reason).toBe(
      "waiting for an answer: task db asked a question on this issue; the next comment of a maintainer answers it",
    );
  });

  it("cancels waiting tasks when the run is stopped, and a later comment answers nothing", async () => {
    const { store, key } = await stored([waiting("db", "Which database?")]);
    const github = new MemoryGitHub();
    const queued: string[] = [];
    const lifecycle = runLifecycle({
      github,
      store,
      status: { publish: async () => ({ id: 99, digest: "d" }) },
      planner: {
        plan: async () => {
          throw new Error("not planned here");
        },
      },
      dispatcher: {
        dispatchReady: async (k) => void queued.push(k),
        cancelRun: async () => undefined,
        cancelTasks: async () => undefined,
        settleGroups: async () => undefined,
      },
    });
    const target = { owner: "acme", repo: "shop", issueNumber: 12, installationId: 7 };
    await lifecycle.stop(target, "alice", "d-stop");
    const stopped = await store.get(key);
    expect(stopped?.tasks[0]).toMatchObject({ status: "cancelled", report: "stopped by @alice" });
    await lifecycle.answer(target, "alice", config, "Postgres");
    expect((await store.get(key))?.tasks[0]?.status).toBe("cancelled");
    expect(queued).toEqual([]);
  });

  it("resumes every waiting task with a maintainer's answer and queues them", async () => {
    const { store, key } = await stored([
      waiting("db", "Which database?"),
      waiting("api", "REST or GraphQL?"),
    ]);
    const queued: string[] = [];
    const lifecycle = runLifecycle({
      github: new MemoryGitHub(),
      store,
      status: { publish: async () => ({ id: 99, digest: "d" }) },
      planner: { plan: async () => ({ kind: "questions", questions: [] }) },
      dispatcher: {
        dispatchReady: async (k) => void queued.push(k),
        cancelRun: async () => undefined,
        cancelTasks: async () => undefined,
        settleGroups: async () => undefined,
      },
    });
    const target = { owner: "acme", repo: "shop", issueNumber: 12, installationId: 7 };
    await lifecycle.answer(target, "bob", config, "Postgres and REST.");
    const after = await store.get(key);
    const byId = [...(after?.tasks ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId.map((t) => [t.id, t.status, t.answers?.[0]?.answer])).toEqual([
      ["api", "pending", "Postgres and REST."],
      ["db", "pending", "Postgres and REST."],
    ]);
    expect(after?.run.reason).toMatch(/^@bob answered; (db, api|api, db) go on$/);
    expect(queued).toEqual([key]);
  });
});
