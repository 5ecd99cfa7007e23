import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import { noteBranchEdit } from "../../src/runs/noteBranchEdit.js";
import { runRecord } from "../runs/statusFixtures.js";

// Who pushed to a group's branch, as the status comment will name them, on the real store.
describe("a push to a group's branch by someone else", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  it("names each pusher once, never the App, at most five, each within a short line", async () => {
    const store = redisRunStore(redis, `branch-edit-${randomUUID().slice(0, 8)}`);
    const key = "acme/shop#12";
    await store.put({
      run: runRecord({
        key,
        state: "running",
        groups: [{ name: "ui", branch: "orchestrate/12-ui", pull: null }],
      }),
      tasks: [],
    });
    const deps = { store, appLogin: "orchestrate[bot]" };
    const pull = { runKey: key, group: "ui" };
    // A git author name is whatever the committer wrote.
    const long = `a-person ${"x".repeat(5000)}`;
    expect(await noteBranchEdit(pull, ["orchestrate", "Orchestrate[bot]"], deps)).toBe(false);
    expect(await noteBranchEdit(pull, ["maintainer-user", long, "  "], deps)).toBe(true);
    expect(await noteBranchEdit(pull, ["Maintainer-User"], deps)).toBe(false);
    await noteBranchEdit(pull, ["b", "c", "d", "e", "f"], deps);
    const names = (await store.get(key))?.run.groups[0]?.editedBy ?? [];
    expect(names[0]).toBe("maintainer-user");
    expect(names[1]?.length).toBe(60);
    expect(names).toHaveLength(5);
  });
});
