import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import {
  agentStarts,
  appComments,
  backendsJson,
  botIdentity,
  branchLog,
  coordinationDir,
  releaseHolds,
  sharedWith,
  specOf,
  startRun,
  taskCommits,
  waitFor,
  workerRunning,
} from "./helpers.js";
import { startWorkerProcess, type WorkerProcess } from "./workerProcess.js";

// Three pull requests, seven tasks; dependencies cross groups (routes waits on db's queries).
const SPEC = specOf([
  "  - { id: schema, group: db, title: Saved search table, description: Add the table. }",
  "  - { id: queries, group: db, depends_on: [schema], title: Query helpers, description: Add helpers. }",
  "  - { id: routes, group: api, depends_on: [queries], title: REST routes, description: Add routes. }",
  "  - { id: notify, group: api, depends_on: [queries], title: Nightly email, description: Add the job. }",
  "  - { id: api-docs, group: api, depends_on: [routes], title: API docs, description: Document it. }",
  "  - { id: page, group: web, depends_on: [routes], title: Saved searches page, description: A page. }",
  "  - { id: styles, group: web, title: Styles, description: Style the page. }",
]);
const GROUPS: Record<string, string[]> = {
  db: ["schema", "queries"],
  api: ["routes", "notify", "api-docs"],
  web: ["page", "styles"],
};

describe("two `orchestrate worker` processes share one run", () => {
  let h: Harness;
  let agentDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Only the worker processes take tasks; this process serves webhooks and events.
    h = await startHarness({ roles: { worker: false } });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
    agentDir = coordinationDir();
    const backends = backendsJson([
      { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: agentDir } },
    ]);
    for (let i = 0; i < 2; i++) {
      workers.push(await startWorkerProcess(h, { backends, env: sharedWith(agentDir) }));
    }
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    releaseHolds(agentDir);
    await Promise.all(workers.map((w) => w.stop()));
    await h.close();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it("lands every task once, on its group's branch, after its dependencies, with both workers working", async () => {
    // The two tasks without dependencies are held until both run at once: with one job per
    // process, that proves each process took one.
    for (const id of ["schema", "styles"]) writeFileSync(join(agentDir, `hold-${id}`), "");
    const issue = await startRun(h, SPEC, "Saved searches");
    const explain = async () =>
      JSON.stringify({ run: await h.run(issue), starts: agentStarts(agentDir) }, null, 1) +
      workers.map((w) => w.output()).join("\n");
    const firstTwo = await waitFor(
      "schema and styles to run at once",
      () => {
        const starts = agentStarts(agentDir);
        return starts.length === 2 ? starts : null;
      },
      { explain },
    );
    // Which process each held agent runs under, read from the host's process tree.
    const ranBy = firstTwo.map((s) =>
      workerRunning(
        agentDir,
        s.task,
        workers.map((w) => w.pid),
      ),
    );
    expect(new Set(ranBy)).toEqual(new Set(workers.map((w) => w.pid)));
    for (const id of ["schema", "styles"]) unlinkSync(join(agentDir, `hold-${id}`));

    const run = await waitFor(
      "the run to finish",
      async () => {
        const snapshot = await h.run(issue);
        return snapshot && snapshot.run.state !== "running" ? snapshot : null;
      },
      { explain },
    );
    expect(run.run.state, workers.map((w) => w.output()).join("\n")).toBe("done");
    await h.settle();

    // Each agent ran once, each task landed once: no task completed twice.
    const starts = agentStarts(agentDir);
    expect(starts.map((s) => s.task).sort()).toEqual(Object.values(GROUPS).flat().sort());
    for (const [group, ids] of Object.entries(GROUPS)) {
      const branch = `orchestrate/${issue}-${group}`;
      for (const id of ids) {
        expect(taskCommits(h, branch, issue, id), `${id} on ${branch}`).toHaveLength(1);
        expect(await h.sandbox.fileAt(h.repo, branch, `${id}.txt`)).toBe(`done by ${id}\n`);
        expect(run.tasks.find((t) => t.id === id)?.attempts).toBe(1);
      }
      // A branch holds its group's tasks and nothing else, each committed by the App's bot
      // from the agent's files (an agent's own commits are never pushed).
      expect(branchLog(h, branch)).toHaveLength(ids.length);
      for (const c of branchLog(h, branch)) expect(c.author, c.subject).toBe(botIdentity(h));
    }
    // Dependency order within a branch: schema before queries, routes before api-docs.
    const subjects = (group: string) =>
      branchLog(h, `orchestrate/${issue}-${group}`)
        .map((c) => c.subject)
        .reverse();
    expect(subjects("db")).toEqual(["Saved search table", "Query helpers"]);
    expect(subjects("api").indexOf("REST routes")).toBeLessThan(
      subjects("api").indexOf("API docs"),
    );

    const pulls = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    expect(pulls.map((p) => p.head).sort()).toEqual(
      Object.keys(GROUPS)
        .map((g) => `orchestrate/${issue}-${g}`)
        .sort(),
    );
    const comments = appComments(h, issue);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain("7 of 7 tasks complete");
  });
});
