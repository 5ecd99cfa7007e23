import { describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import { renderStackLine } from "../../src/runs/renderStackLine.js";
import type { GroupRecord } from "../../src/runs/run.js";
import { groupBase, stackChain, stackPlaces } from "../../src/runs/stackParent.js";
import { renderGroups } from "../../src/runs/status/renderGroups.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

const group = (name: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
  name,
  branch: `orchestrate/12-${name}`,
  pull: null,
  ...over,
});

/** a ← b ← c, and d waiting on both a and c. */
function layered(
  stack: boolean,
  groups: GroupRecord[] = ["a", "b", "c", "d"].map((n) => group(n)),
) {
  return {
    run: runRecord({ config: { ...defaultRepoConfig, stack }, groups }),
    tasks: [
      taskRecord("a1", { group: "a" }),
      taskRecord("a2", { group: "a", depends_on: ["a1"] }),
      taskRecord("b1", { group: "b", depends_on: ["a2"] }),
      taskRecord("c1", { group: "c", depends_on: ["b1"] }),
      taskRecord("d1", { group: "d", depends_on: ["a1", "c1"] }),
    ],
  };
}

describe("stackPlaces", () => {
  it("stacks neither of two groups whose tasks wait for each other's, and says why", () => {
    const snapshot = {
      run: runRecord({
        config: { ...defaultRepoConfig, stack: true },
        groups: [group("a"), group("b")],
      }),
      tasks: [
        taskRecord("a1", { group: "a" }),
        taskRecord("a2", { group: "a", depends_on: ["b1"] }),
        taskRecord("b1", { group: "b", depends_on: ["a1"] }),
      ],
    };
    const places = stackPlaces(snapshot);
    expect(places.get("a")).toMatchObject({ parent: null, circular: true });
    expect(places.get("b")).toMatchObject({ parent: null, circular: true });
    expect(groupBase(snapshot, "b", "main")).toBe("main");
    expect(renderGroups(snapshot.run, snapshot.tasks, { cap: 10 })).toContain(
      "_waits for **a**, whose tasks wait for this group's too: neither can be stacked on the other, so it is based on the default branch as without `stack`_",
    );
  });

  it("stacks a group on the one other group its tasks wait for, and no group on two", () => {
    const places = stackPlaces(layered(true));
    expect(Object.fromEntries(places)).toEqual({
      a: { parent: null, dependsOn: [] },
      b: { parent: "a", dependsOn: ["a"] },
      c: { parent: "b", dependsOn: ["b"] },
      d: { parent: null, dependsOn: ["a", "c"] },
    });
  });

  it("says in the status comment which group is stacked where, and why one with two parents is not", () => {
    const { run, tasks } = layered(true);
    const text = renderGroups(run, tasks, { cap: 10 });
    expect(text).toContain("Stack: a (not opened yet) → b (not opened yet) → c (not opened yet)");
    expect(text).toMatch(/\*\*c\*\* · .* · stacked on \*\*b\*\*/);
    expect(text).toContain(
      "_depends on **a** and **c**: a branch stacks on one group only, so it is based on the default branch and waits for them as without `stack`_",
    );
  });

  it("stacks nothing without `stack: true`", () => {
    expect([...stackPlaces(layered(false)).values()].map((p) => p.parent)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("orders a stack root first and links each PR, the group's own marked", () => {
    const snapshot = layered(true, [
      group("a", { pull: 2 }),
      group("b", { pull: 3 }),
      group("c"),
      group("d"),
    ]);
    expect(stackChain(snapshot, "b")).toEqual(["a", "b", "c"]);
    expect(renderStackLine(snapshot, "b")).toBe("Stack: #2 → **#3 (this)** → c (not opened yet)");
    expect(renderStackLine(snapshot, "d")).toBeNull();
  });

  it("bases a group on its parent's branch until the parent's PR is merged or closed", () => {
    expect(groupBase(layered(true), "b", "main")).toBe("orchestrate/12-a");
    const merged = layered(true, [group("a", { state: "merged" }), group("b")]);
    expect(groupBase(merged, "b", "main")).toBe("main");
    expect(groupBase(layered(false), "b", "main")).toBe("main");
  });
});
