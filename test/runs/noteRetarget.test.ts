import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { noteRetarget } from "../../src/runs/noteRetarget.js";
import type { GroupRecord } from "../../src/runs/run.js";
import type { RunStore } from "../../src/runs/runStore.js";
import { renderGroups } from "../../src/runs/status/renderGroups.js";
import { MemoryGitHub } from "./memoryGitHub.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// A person moves a stacked PR onto another base while its parent is open: the group records it
// and the status comment stops calling it stacked. After the parent's merge or close the move
// is restackChildren's to note, so it is left alone here.
describe("noteRetarget", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());
  const key = "acme/shop#12";

  async function stacked(parent: Partial<GroupRecord>, merged = false) {
    const store = redisRunStore(redis, `retarget-${randomUUID().slice(0, 8)}`);
    const github = new MemoryGitHub();
    const pull = await github.createPull(
      { owner: "acme", repo: "shop" },
      { head: "orchestrate/12-a", base: "main", title: "a", body: "", draft: false },
    );
    if (merged) Object.assign(pull, { state: "closed", merged: true });
    const groups: GroupRecord[] = [
      { name: "a", branch: "orchestrate/12-a", pull: pull.number, base: "main", ...parent },
      { name: "b", branch: "orchestrate/12-b", pull: 3, base: "orchestrate/12-a" },
    ];
    await store.put({
      run: runRecord({ key, config: { ...defaultRepoConfig, stack: true }, groups }),
      tasks: [
        taskRecord("a1", { group: "a", status: "complete" }),
        taskRecord("b1", { group: "b", status: "complete", depends_on: ["a1"] }),
      ],
    });
    return { store, github };
  }
  const base = async (store: RunStore) => (await store.get(key))?.run.groups[1]?.base;

  it("records a base a person chose while the parent is open", async () => {
    const deps = await stacked({});
    const line = async () => {
      const snapshot = await deps.store.get(key);
      return snapshot ? renderGroups(snapshot.run, snapshot.tasks, { cap: 10 }) : "";
    };
    expect(await line()).toContain("stacked on **a**");
    expect(await noteRetarget({ runKey: key, group: "b" }, "main", deps)).toBe(true);
    expect(await base(deps.store)).toBe("main");
    expect(await line()).not.toContain("stacked on **a**");
    expect(await noteRetarget({ runKey: key, group: "b" }, "main", deps)).toBe(false);
  });

  it("leaves a move after the parent's merge to restackChildren, even before the run heard of it", async () => {
    const known = await stacked({ state: "merged" });
    expect(await noteRetarget({ runKey: key, group: "b" }, "main", known)).toBe(false);
    expect(await base(known.store)).toBe("orchestrate/12-a");
    const unheard = await stacked({}, true);
    expect(await noteRetarget({ runKey: key, group: "b" }, "main", unheard)).toBe(false);
    expect(await base(unheard.store)).toBe("orchestrate/12-a");
  });
});
