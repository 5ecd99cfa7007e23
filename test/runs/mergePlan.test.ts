import { describe, expect, it } from "vitest";
import { mergePlan, type PlannedWork } from "../../src/runs/mergePlan.js";
import type { TaskRecord } from "../../src/runs/run.js";

const task = (id: string, over: Partial<TaskRecord> = {}): TaskRecord => ({
  id,
  group: "docs",
  depends_on: [],
  title: `Task ${id}`,
  description: `Write ${id}.`,
  priority: 1,
  status: "pending",
  kind: "implement",
  attempts: 0,
  ...over,
});
const groups = [{ name: "docs", branch: "orchestrate/1-docs" }];
const plan = (tasks: TaskRecord[]): PlannedWork => ({ tasks, groups });

describe("a new plan laid over a run's work", () => {
  it("keeps a finished task finished when only its order changed, and does again one whose work changed", () => {
    const done = task("b", { status: "complete", attempts: 1, commit: "c0ffee" });
    const merged = mergePlan(
      { tasks: [task("a", { status: "complete", attempts: 1 }), done], groups: [] },
      plan([
        task("a", { description: "Write a, in French." }),
        task("new"),
        task("b", { depends_on: ["new"] }),
      ]),
      { retryEnded: false },
    );
    const byId = new Map(merged.tasks.map((t) => [t.id, t]));
    expect(byId.get("b")).toMatchObject({
      status: "complete",
      commit: "c0ffee",
      depends_on: ["new"],
    });
    expect(byId.get("a")).toMatchObject({ status: "pending", changes: "changed" });
    expect(merged.replanned).toEqual({ added: ["new"], changed: ["a"], removed: [], kept: 1 });
  });

  it("sends back to waiting a queued task that now waits on new work, and stops its job", () => {
    const merged = mergePlan(
      { tasks: [task("b", { status: "ready", attempts: 0 })], groups: [] },
      plan([task("new"), task("b", { depends_on: ["new"] })]),
      { retryEnded: false },
    );
    expect(merged.tasks.find((t) => t.id === "b")).toMatchObject({
      status: "pending",
      attempts: 1,
    });
    expect(merged.stop).toEqual(["b"]);
  });

  it("brings back a removed task that was finished, with its commit, when a later plan has it again", () => {
    const first = mergePlan(
      {
        tasks: [task("a", { status: "complete", attempts: 1, commit: "c0ffee" }), task("b")],
        groups: [],
      },
      plan([task("b")]),
      { retryEnded: false },
    );
    expect(first.removed).toEqual(["a"]);
    const again = mergePlan(first, plan([task("a", { depends_on: ["b"] }), task("b")]), {
      retryEnded: false,
    });
    expect(again.tasks.find((t) => t.id === "a")).toMatchObject({
      status: "complete",
      commit: "c0ffee",
    });
    expect(again.retired).toEqual({});
  });

  it("keeps a group's CI fixes through a re-plan, waiting only on implement tasks still planned", () => {
    const fix = task("ci-2-1", {
      kind: "ci-fix",
      status: "complete",
      attempts: 1,
      depends_on: ["a", "b"],
    });
    const merged = mergePlan(
      { tasks: [task("a"), task("b"), fix], groups: [] },
      plan([task("a")]),
      {
        retryEnded: false,
      },
    );
    expect(merged.tasks.find((t) => t.id === "ci-2-1")).toMatchObject({
      kind: "ci-fix",
      status: "complete",
      depends_on: ["a"],
    });
    expect(merged.replanned.removed).toEqual(["b"]);
  });
});
