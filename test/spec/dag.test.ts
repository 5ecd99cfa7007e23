import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/spec/buildPlan.js";
import {
  DependencyCycleError,
  priorities,
  readySet,
  topologicalOrder,
} from "../../src/spec/dag.js";
import { parseSpec } from "../../src/spec/parseSpec.js";
import type { TaskStatus } from "../../src/spec/task.js";
import { FIXTURE_ORDER, FIXTURE_PRIORITIES, specFixture } from "./fixtures.js";

const t = (id: string, depends_on: string[] = [], priority?: number) => ({
  id,
  depends_on,
  ...(priority !== undefined ? { priority } : {}),
});

describe("priorities", () => {
  it("is the length of the longest chain of work waiting on the task, counting the task", () => {
    // a ← b ← c ← d, and a ← e: d waits on c waits on b waits on a.
    const tasks = [t("a"), t("b", ["a"]), t("c", ["b"]), t("d", ["c"]), t("e", ["a"])];
    expect(Object.fromEntries(priorities(tasks))).toEqual({ a: 4, b: 3, c: 2, d: 1, e: 1 });
  });

  it("takes the longest branch where several wait", () => {
    // root ← x ← y, root ← z: root = 1 + max(x=2, z=1) = 3
    const tasks = [t("root"), t("x", ["root"]), t("y", ["x"]), t("z", ["root"])];
    expect(priorities(tasks).get("root")).toBe(3);
  });

  it("lets an explicit priority replace the computed value, and lifts what it waits on", () => {
    const tasks = [t("a"), t("b", ["a"], 10), t("c", ["a"]), t("d", ["b"])];
    expect(Object.fromEntries(priorities(tasks))).toEqual({ a: 11, b: 10, c: 1, d: 1 });
  });

  it("gives the fixture's known values", () => {
    const spec = parseSpec(specFixture("markdown-3-groups.md"));
    if (!spec.ok || spec.format === "freeform") throw new Error("fixture must parse");
    expect(Object.fromEntries(priorities(spec.tasks))).toEqual(FIXTURE_PRIORITIES);
  });

  it("handles a 5,000-task chain iteratively", () => {
    const tasks = Array.from({ length: 5000 }, (_, i) => t(`t${i}`, i === 0 ? [] : [`t${i - 1}`]));
    const result = priorities(tasks);
    expect(result.get("t0")).toBe(5000);
    expect(result.get("t4999")).toBe(1);
  });

  it("throws DependencyCycleError on a cycle", () => {
    expect(() => priorities([t("a", ["b"]), t("b", ["a"]), t("c")])).toThrow(DependencyCycleError);
  });
});

describe("topologicalOrder", () => {
  it("puts dependencies first, then higher priority, then the smaller id", () => {
    const tasks = [t("web", ["api"]), t("docs"), t("api", ["db"]), t("db"), t("cli", ["db"])];
    // db=3 (db ← api ← web); docs=1; cli=1; ties at 1 broken by id.
    expect(topologicalOrder(tasks).map((x) => x.id)).toEqual(["db", "api", "cli", "docs", "web"]);
  });

  it("is stable whatever order the tasks are listed in", () => {
    const tasks = [t("b"), t("a"), t("d", ["a", "b"]), t("c", ["a"])];
    const forward = topologicalOrder(tasks).map((x) => x.id);
    const backward = topologicalOrder([...tasks].reverse()).map((x) => x.id);
    expect(forward).toEqual(["a", "b", "c", "d"]);
    expect(backward).toEqual(forward);
  });

  it("orders the fixture", () => {
    const spec = parseSpec(specFixture("yaml-3-groups.md"));
    if (!spec.ok || spec.format === "freeform") throw new Error("fixture must parse");
    expect(topologicalOrder(spec.tasks).map((x) => x.id)).toEqual(FIXTURE_ORDER);
  });

  it("handles a 5,000-task chain and throws on a cycle", () => {
    const tasks = Array.from({ length: 5000 }, (_, i) =>
      t(`t${i}`, i === 4999 ? [] : [`t${i + 1}`]),
    );
    const order = topologicalOrder(tasks).map((x) => x.id);
    expect(order[0]).toBe("t4999");
    expect(order[4999]).toBe("t0");
    expect(() => topologicalOrder([t("a", ["a2"]), t("a2", ["a"])])).toThrow(/a, a2/);
  });
});

describe("readySet", () => {
  const plan = buildPlan(
    [
      { id: "db", group: "g", title: "DB", description: "", depends_on: [] },
      { id: "api", group: "g", title: "API", description: "", depends_on: ["db"] },
      { id: "docs", group: "g", title: "Docs", description: "", depends_on: [] },
      { id: "web", group: "g", title: "Web", description: "", depends_on: ["api", "docs"] },
    ],
    { issue: 7 },
  );

  it("starts with the tasks that have no dependencies, highest priority first", () => {
    expect(readySet(plan.tasks, new Map()).map((x) => x.id)).toEqual(["db", "docs"]);
  });

  it("returns pending tasks whose dependencies are all complete", () => {
    const status: Record<string, TaskStatus> = { db: "complete", docs: "in_progress" };
    expect(readySet(plan.tasks, status).map((x) => x.id)).toEqual(["api"]);
    expect(
      readySet(plan.tasks, { ...status, docs: "complete", api: "complete" }).map((x) => x.id),
    ).toEqual(["web"]);
  });

  it("leaves out tasks that are not pending, and waits on failed or cancelled dependencies", () => {
    const status = new Map<string, TaskStatus>([
      ["db", "failed"],
      ["docs", "ready"],
    ]);
    expect(readySet(plan.tasks, status)).toEqual([]);
  });

  it("treats a dependency with no status as not complete", () => {
    expect(readySet([t("x", ["missing"])], {})).toEqual([]);
  });
});

describe("buildPlan", () => {
  it("computes priorities, group branches and the dispatch order", () => {
    const spec = parseSpec(specFixture("json-3-groups.md"));
    if (!spec.ok || spec.format === "freeform") throw new Error("fixture must parse");
    const plan = buildPlan(spec.tasks, { issue: 42, groups: spec.groups });
    expect(plan.issue).toBe(42);
    expect(plan.groups).toEqual([
      { name: "db", branch: "orchestrate/42-db", tasks: ["db-schema", "db-queries"] },
      {
        name: "api",
        branch: "orchestrate/42-api",
        tasks: ["api-routes", "api-notify", "api-tests"],
      },
      { name: "web", branch: "orchestrate/42-web", tasks: ["web-list", "web-save-button"] },
    ]);
    expect(Object.fromEntries(plan.tasks.map((x) => [x.id, x.priority]))).toEqual(
      FIXTURE_PRIORITIES,
    );
    expect(plan.order).toEqual(FIXTURE_ORDER);
  });

  it("uses N for the issue number when there is none", () => {
    const plan = buildPlan([
      { id: "a", group: "core", title: "A", description: "", depends_on: [] },
    ]);
    expect(plan.groups[0]?.branch).toBe("orchestrate/N-core");
    expect(plan).not.toHaveProperty("issue");
  });
});
