import { describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import { mergeVerdict } from "../../src/runs/mergeVerdict.js";
import type { GroupRecord } from "../../src/runs/run.js";
import { runRecord } from "./statusFixtures.js";

const group = (name: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
  name,
  branch: `orchestrate/12-${name}`,
  pull: null,
  ...over,
});

describe("mergeVerdict", () => {
  const run = (done_when: "ready" | "merged", groups: GroupRecord[]) =>
    runRecord({ config: { ...defaultRepoConfig, done_when }, groups });

  it("with done_when: merged, waits for every group's PR to be merged", () => {
    const waiting = run("merged", [
      group("a", { pull: 2, state: "merged" }),
      group("b", { pull: 3 }),
    ]);
    expect(mergeVerdict(waiting)?.reason).toContain("#3 (b)");
    expect(mergeVerdict(run("merged", [group("a", { pull: 2, state: "merged" })]))).toBeNull();
    expect(mergeVerdict(run("ready", [group("a", { pull: 2 })]))).toBeNull();
  });

  it("holds the run on a PR closed without merge, saying how to reopen it", () => {
    const held = mergeVerdict(run("ready", [group("a", { pull: 2, state: "closed" })]));
    expect(held).toEqual({
      state: "reviewing",
      reason: expect.stringContaining("`/orchestrate reopen a`"),
    });
  });
});
