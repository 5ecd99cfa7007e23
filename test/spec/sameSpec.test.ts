import { describe, expect, it } from "vitest";
import { sameSpec } from "../../src/spec/sameSpec.js";

const SPEC = ["## db", "", "- [ ] schema: Add the table", "  - [ ] routes: Nested", ""].join("\n");

describe("an edited issue body is a new spec", () => {
  it("not when the edit only ticks or unticks checklist boxes, or changes line endings and trailing spaces", () => {
    expect(sameSpec(SPEC, SPEC.replace("- [ ] schema", "- [x] schema"))).toBe(true);
    expect(sameSpec(SPEC.replace("[ ] routes", "[X] routes"), SPEC)).toBe(true);
    expect(sameSpec(SPEC, `${SPEC.replace(/\n/g, "\r\n")}  \r\n`)).toBe(true);
  });

  it("when any word of a task changes, or a task comes or goes", () => {
    expect(sameSpec(SPEC, SPEC.replace("Add the table", "Add the tables"))).toBe(false);
    expect(sameSpec(SPEC, `${SPEC}- [ ] docs: Write docs\n`)).toBe(false);
    expect(sameSpec(SPEC, SPEC.replace("- [ ] schema", "- schema"))).toBe(false);
    // A box inside the text of a line is text, not a checklist box.
    expect(sameSpec("Keep [x] as is", "Keep [ ] as is")).toBe(false);
  });
});
