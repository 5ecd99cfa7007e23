import { describe, expect, it } from "vitest";
import { updateStrategy } from "../../src/runs/updateStrategy.js";

describe("updateStrategy", () => {
  it("rebases only while nobody but the App pushed to the branch", () => {
    expect(updateStrategy("rebase", {})).toEqual({ how: "rebase" });
    expect(updateStrategy("rebase", { editedBy: [] })).toEqual({ how: "rebase" });
    const edited = updateStrategy("rebase", { editedBy: ["maintainer-user"] });
    expect(edited.how).toBe("merge");
    expect(edited).toMatchObject({
      note: expect.stringContaining("maintainer-user pushed to this branch"),
    });
  });

  it("merges by default and never touches the branch with update: never", () => {
    expect(updateStrategy("merge", { editedBy: ["someone"] })).toEqual({ how: "merge" });
    expect(updateStrategy("never", {})).toEqual({ how: "never" });
  });
});
