import { describe, expect, it } from "vitest";
import type { GroupRecord } from "../../src/runs/run.js";
import { withPullState } from "../../src/runs/withPullState.js";

const group = (name: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
  name,
  branch: `orchestrate/12-${name}`,
  pull: null,
  ...over,
});

describe("withPullState", () => {
  it("marks a group merged or closed, and a reopened PR clears both", () => {
    const merged = withPullState(group("a"), { state: "closed", merged: true });
    expect(merged).toMatchObject({ state: "merged", note: "its pull request was merged" });
    const closed = withPullState(group("a"), { state: "closed", merged: false });
    expect(closed.note).toContain("`/orchestrate reopen a`");
    expect(withPullState(closed, { state: "open", merged: false })).toEqual({
      ...group("a"),
      note: undefined,
    });
    const noted = group("a", { note: "someone else's note" });
    expect(withPullState(noted, { state: "open", merged: false })).toBe(noted);
  });
});
