import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "../e2e/harness.js";
import {
  agentsGone,
  backendsJson,
  coordinationDir,
  sharedWith,
  specOf,
  waitFor,
} from "../e2e/helpers.js";
import { MAINTAINER, NO_ROLES, sendTo, startFaultHarness } from "./faultHarness.js";
import { onRequest } from "./onRequest.js";
import { commentsOf, expectLandedOnce, pullsOf, threadsOf } from "./outcome.js";
import { type ServerProcess, startServerProcess } from "./serverProcess.js";

const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }",
  "  - { id: routes, group: api, title: REST routes, description: Add routes. }",
]);
const GROUPS = { db: ["schema", "queries"], api: ["routes"] };

// `orchestrate server` processes (every role) SIGKILLed at chosen points of their conversation
// with GitHub, and replaced by new ones, as an operator replaces a dead machine. GitHub does not
// redeliver a webhook by itself; the test redelivers the same delivery id, as an operator would
// from the App's settings. A dead process's jobs are taken over once their lock expires: the
// lock is shortened from 30 s to 2 s so that happens within seconds.
describe("the server process SIGKILLed and replaced", () => {
  let h: Harness;
  let agentDir: string;
  const servers: ServerProcess[] = [];
  const killed = new Set<ServerProcess>();

  const startServer = async () => {
    const server = await startServerProcess(h, {
      backends: backendsJson([
        { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: agentDir } },
      ]),
      env: { ...sharedWith(agentDir), WORKER_LOCK_SECONDS: "2", POLL_INTERVAL_SECONDS: "1" },
    });
    servers.push(server);
    return server;
  };
  /** SIGKILLs `server`; the agents it ran die with it (their sandboxes end with their worker). */
  const crash = async (server: ServerProcess) => {
    await server.killed();
    killed.add(server);
    await agentsGone(agentDir, {
      survivors: servers.filter((s) => !killed.has(s)).map((s) => s.pid),
      what: "the killed server's agents to be gone with it",
    });
  };
  /** Whether the delivery's job is in Redis (queued, running or done). */
  const queued = async (delivery: string) => {
    const redis = new Redis(h.redisUrl);
    try {
      return (await redis.exists(`${h.prefix}:events:delivery-${delivery}`)) === 1;
    } finally {
      redis.disconnect();
    }
  };
  const explain = (issue: number) => async () =>
    `${JSON.stringify(await h.run(issue), null, 1)}\n${servers.map((s) => s.output()).join("\n")}`;
  const runEnded = (issue: number) =>
    waitFor(
      "the run to end",
      async () => {
        const run = await h.run(issue);
        return run && (run.run.state === "done" || run.run.state === "failed") ? run : null;
      },
      { timeoutMs: 45_000, explain: explain(issue) },
    );

  beforeEach(async () => {
    // This process only watches: the server processes do all the work.
    h = await startFaultHarness({ roles: NO_ROLES });
    agentDir = coordinationDir();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    killed.clear();
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it("mid-webhook, and right after accepting its redelivery: the run starts once and lands once", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: MAINTAINER,
    }).number;
    const label = { repo: h.repo, sender: MAINTAINER, issue, label: "orchestrate" };
    const delivery = randomUUID();

    // 1. The first server dies while it reads the repository's config for the webhook:
    // GitHub gets no answer, so the delivery shows as failed.
    const first = await startServer();
    const midWebhook = onRequest(
      h.sandbox,
      (r) => r.operation === "repos/get-content",
      () => first.kill(),
    );
    const unanswered = await sendTo(h, first.webhookUrl, "issues", "labeled", label, delivery).then(
      (d) => d.status,
      () => "no answer",
    );
    await midWebhook.seen;
    await crash(first);
    expect(unanswered).toBe("no answer");
    expect(await queued(delivery)).toBe(false);

    // 2. The operator redelivers it to a new server, which dies right after answering 2xx.
    const second = await startServer();
    const accepted = await sendTo(h, second.webhookUrl, "issues", "labeled", label, delivery);
    await crash(second);
    expect(accepted.status).toBeLessThan(300);
    // Answered 2xx means stored: the job outlives the process that accepted it.
    expect(await queued(delivery)).toBe(true);

    // 3. Redelivered once more to a third: the delivery is already queued, nothing starts twice.
    const third = await startServer();
    const again = await sendTo(h, third.webhookUrl, "issues", "labeled", label, delivery);
    expect(again.status).toBeLessThan(300);

    const run = await runEnded(issue);
    expect(run.run.state).toBe("done");
    await expectLandedOnce(h, issue, GROUPS);
    const rockets = h.sandbox.state.repos
      .get(h.repo)
      ?.reactions.filter((r) => r.subject === `issue:${issue}` && r.content === "rocket");
    expect(rockets).toHaveLength(1);
  });

  it("after opening a PR but before recording it, and the poller's process mid-pass: one PR per group, one reply", async () => {
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Saved searches",
      body: SPEC,
      user: MAINTAINER,
    }).number;

    // 1. The first server dies the moment GitHub has created a group's PR: the PR exists, the
    // run in Redis does not know it.
    const first = await startServer();
    const afterCreate = onRequest(
      h.sandbox,
      (r) => r.operation === "pulls/create" && r.status === 201,
      () => first.kill(),
    );
    const sent = await sendTo(h, first.webhookUrl, "issues", "labeled", {
      repo: h.repo,
      sender: MAINTAINER,
      issue,
      label: "orchestrate",
    });
    expect(sent.status).toBeLessThan(300);
    await afterCreate.seen;
    await crash(first);
    expect(pullsOf(h)).toHaveLength(1);

    // 2. A new server finishes the run, reusing that PR.
    const second = await startServer();
    await runEnded(issue);
    await expectLandedOnce(h, issue, GROUPS);

    // 3. A reviewer comments with no webhook reaching us: only the poller can find it. The
    // server dies during the first poll pass after the review.
    const db = pullsOf(h).find((p) => p.head === `orchestrate/${issue}-db`);
    if (!db) throw new Error("no pull request for db");
    const midPoll = onRequest(
      h.sandbox,
      (r) => r.operation === "graphql",
      () => second.kill(),
    );
    await h.sandbox.postReview(h.repo, db.number, {
      user: MAINTAINER,
      comments: [{ path: "schema.txt", line: 1, body: "Please name the table in the file." }],
    });
    await midPoll.seen;
    await crash(second);

    // 4. A third server's poller finds the thread; its fix lands and it is answered, once.
    await startServer();
    const [thread] = threadsOf(h, db.number);
    await waitFor(
      "the thread to be answered and resolved",
      () => {
        const current = threadsOf(h, db.number)[0];
        return current?.isResolved ? current : null;
      },
      { timeoutMs: 45_000, explain: explain(issue) },
    );
    const replies = commentsOf(h, thread?.id ?? "").filter((c) => c.user === "orchestrate[bot]");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatch(/^Fixed in .*\/commit\/[0-9a-f]{40}: /);
    const run = await waitFor("the run to be done again", async () => {
      const snapshot = await h.run(issue);
      return snapshot?.run.state === "done" ? snapshot : null;
    });
    const reviewTasks = run.tasks.filter((t) => t.kind === "review-thread");
    expect(reviewTasks).toHaveLength(1);
    expect(reviewTasks[0]?.status).toBe("complete");
    await expectLandedOnce(h, issue, { ...GROUPS, db: [...GROUPS.db, reviewTasks[0]?.id ?? ""] });
  });
});
