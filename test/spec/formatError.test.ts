import { describe, expect, it } from "vitest";
import { formatError } from "../../src/spec/formatError.js";

describe("formatError", () => {
  it("puts the line and task first", () => {
    expect(
      formatError({
        line: 12,
        task: "api",
        code: "unknown_dependency",
        message:
          'depends on "db" which is not a task — add a task with id "db" or remove it from depends_on',
      }),
    ).toBe(
      'line 12, task "api": depends on "db" which is not a task — add a task with id "db" or remove it from depends_on',
    );
  });

  it("names a task without an id by position, a file when there is one, and omits what is unknown", () => {
    expect(formatError({ line: 3, task: "#2", code: "empty_id", message: "m" })).toBe(
      "line 3, task #2: m",
    );
    expect(formatError({ line: 3, file: "docs/a.md", code: "bad_id", message: "m" })).toBe(
      "docs/a.md line 3: m",
    );
    expect(formatError({ task: "a", code: "dependency_cycle", message: "m" })).toBe('task "a": m');
    expect(formatError({ code: "empty_spec", message: "m" })).toBe("m");
  });
});
