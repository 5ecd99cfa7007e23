import { describe, expect, it } from "vitest";
import type { LocatedTask } from "../../src/spec/locatedTask.js";
import { parseSpec } from "../../src/spec/parseSpec.js";
import type { Task } from "../../src/spec/task.js";
import { validateTasks } from "../../src/spec/validateTasks.js";

function errorsOf(text: string, opts: Parameters<typeof parseSpec>[1] = {}) {
  const result = parseSpec(text, opts);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

const task = (id: string, fields: Partial<Task> = {}): LocatedTask => ({
  task: { id, group: "core", title: `Task ${id}`, description: "", depends_on: [], ...fields },
});

/** A markdown spec, one group "core", each entry `id` or `id<dep,dep`. */
function chain(...entries: string[]): string {
  const lines = ["## core"];
  for (const entry of entries) {
    const [id, deps] = entry.split("<");
    lines.push(`- [ ] ${id}: Task ${id}`);
    if (deps) lines.push(`  depends on: ${deps}`);
  }
  return lines.join("\n");
}

describe("validation rules", () => {
  it("duplicate_id names both lines", () => {
    expect(errorsOf(chain("a", "b", "a"))).toEqual([
      {
        line: 4,
        task: "a",
        code: "duplicate_id",
        message: 'id "a" is used by two tasks (lines 2 and 4) — give each task its own id',
      },
    ]);
  });

  it("unknown_dependency says what to add or remove, and suggests a near miss", () => {
    const errors = errorsOf(chain("schema", "api<shcema,cache"));
    expect(errors).toEqual([
      {
        line: 4,
        task: "api",
        code: "unknown_dependency",
        message:
          'depends on "shcema" which is not a task — add a task with id "shcema" or remove it from depends_on (did you mean "schema"?)',
      },
      {
        line: 4,
        task: "api",
        code: "unknown_dependency",
        message:
          'depends on "cache" which is not a task — add a task with id "cache" or remove it from depends_on',
      },
    ]);
  });

  it("self_dependency", () => {
    expect(errorsOf(chain("a<a"))).toEqual([
      {
        line: 3,
        task: "a",
        code: "self_dependency",
        message: 'depends on itself — remove "a" from its depends_on',
      },
    ]);
  });

  it("dependency_cycle names every task on the cycle, in order, from the earliest task", () => {
    expect(errorsOf(chain("x", "a<b", "b<c", "c<a"))).toEqual([
      {
        line: 3,
        task: "a",
        code: "dependency_cycle",
        message:
          "these tasks wait on each other in a cycle: a → b → c → a (each depends on the next) — remove one of these dependencies",
      },
    ]);
  });

  it("dependency_cycle reports each distinct cycle once, including cycles that share a task", () => {
    // a ⇄ b and b ⇄ c share b; d → e → f → d is separate; g is fine.
    const errors = errorsOf(chain("a<b", "b<a,c", "c<b", "d<e", "e<f", "f<d", "g<a"));
    const cycles = errors
      .filter((e) => e.code === "dependency_cycle")
      .map((e) => /: (.*) \(each/.exec(e.message)?.[1]);
    expect(cycles).toEqual(["a → b → a", "b → c → b", "d → e → f → d"]);
    expect(errors.every((e) => e.code === "dependency_cycle")).toBe(true);
  });

  it("dependency_cycle works on the cyclic fixture", async () => {
    const { specFixture } = await import("./fixtures.js");
    expect(errorsOf(specFixture("cyclic.md"))).toEqual([
      expect.objectContaining({
        line: 5,
        task: "parser",
        code: "dependency_cycle",
        message: expect.stringContaining("parser → loader → validator → parser"),
      }),
    ]);
  });

  it("dependency_cycle handles a 5,000-task cycle without recursion", () => {
    const tasks = Array.from({ length: 5000 }, (_, i) =>
      task(`t${i}`, { depends_on: [`t${(i + 1) % 5000}`] }),
    );
    const errors = validateTasks(tasks, { maxTasks: 5000 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe("dependency_cycle");
    expect(errors[0]?.message.split(" → ")).toHaveLength(5001);
  });

  it("empty_id and empty_title", () => {
    const errors = validateTasks([task("", { title: "A" }), task("b", { title: "  " })]);
    expect(errors.map((e) => [e.task, e.code])).toEqual([
      [undefined, "empty_id"],
      ["b", "empty_title"],
    ]);
  });

  it("bad_id for ids outside the safe alphabet, with a suggestion", () => {
    const errors = validateTasks([
      task("has space"),
      task("-flag"),
      task("ok.id_v2-3"),
      task("über"),
      task("a/b"),
    ]);
    expect(errors.map((e) => [e.task, e.code])).toEqual([
      ["has space", "bad_id"],
      ["-flag", "bad_id"],
      ["über", "bad_id"],
      ["a/b", "bad_id"],
    ]);
    expect(errors[0]?.message).toContain('e.g. "has-space"');
  });

  it("title_too_long", () => {
    expect(validateTasks([task("a", { title: "x".repeat(257) })]).map((e) => e.code)).toEqual([
      "title_too_long",
    ]);
  });

  it("control_character in ids, groups, titles and commands, shown as U+XXXX", () => {
    const errors = validateTasks([
      task("a\u0007", { title: "A" }),
      task("b", { title: "Tab\tand\nnewline are fine" }),
      task("c", { title: "Bell \u0007" }),
      task("d", { verify: "npm test\u0000" }),
      task("e", { group: "core\u007f" }),
    ]);
    expect(errors.map((e) => [e.task, e.code, /U\+[0-9A-F]{4}/.exec(e.message)?.[0]])).toEqual([
      ["a{U+0007}", "control_character", "U+0007"],
      ["c", "control_character", "U+0007"],
      ["d", "control_character", "U+0000"],
      ["e", "bad_group_name", "U+007F"],
    ]);
  });

  it("bad_group_name applies git's branch-name rules to orchestrate/N-<group>", () => {
    const groups = [
      "has space",
      "a..b",
      "tilde~",
      "caret^",
      "colon:",
      "q?",
      "star*",
      "br[",
      "back\\",
      "end.",
      "x.lock",
      "at@{",
      "a/b",
    ];
    const errors = validateTasks(groups.map((group, i) => task(`t${i}`, { group })));
    expect(errors.map((e) => e.code)).toEqual(groups.map(() => "bad_group_name"));
    expect(errors[0]?.message).toBe(
      'group "has space" cannot be part of a branch name: "orchestrate/N-has space" contains a space — rename the group, e.g. "has-space"',
    );
  });

  it("bad_group_name is reported once per group, not per task", () => {
    const errors = validateTasks([
      task("a", { group: "my group" }),
      task("b", { group: "my group" }),
    ]);
    expect(errors).toHaveLength(1);
  });

  it("accepts a group with a leading dash, since the branch part is N-<group>", () => {
    expect(validateTasks([task("a", { group: "-x" })])).toEqual([]);
  });

  it("too_many_tasks, with the default limit of 200 and a custom one", () => {
    const tasks = Array.from({ length: 201 }, (_, i) => task(`t${i}`));
    expect(validateTasks(tasks).map((e) => e.code)).toEqual(["too_many_tasks"]);
    expect(validateTasks(tasks.slice(0, 200))).toEqual([]);
    expect(validateTasks(tasks.slice(0, 6), { maxTasks: 5 })[0]?.message).toContain(
      "the limit is 5",
    );
  });

  it("spec_too_large for a body over GitHub's 65,536-byte limit, counted in UTF-8 bytes", () => {
    const body = `## core\n- [ ] a: A\n  ${"é".repeat(33_000)}`;
    expect(errorsOf(body).map((e) => e.code)).toEqual(["spec_too_large"]);
    expect(parseSpec(body, { maxBytes: 100_000, maxDescriptionBytes: 100_000 }).ok).toBe(true);
  });

  it("description_too_large", () => {
    const errors = validateTasks([task("a", { description: "x".repeat(40_000) })]);
    expect(errors.map((e) => e.code)).toEqual(["description_too_large"]);
    expect(
      validateTasks([task("a", { description: "x".repeat(40_000) })], {
        maxDescriptionBytes: 50_000,
      }),
    ).toEqual([]);
  });

  it("race_out_of_range and bad_priority", () => {
    const errors = validateTasks([
      task("a", { race: 0 }),
      task("b", { race: 6 }),
      task("c", { race: 2.5 }),
      task("d", { race: 5, priority: -1 }),
      task("e", { race: 1, priority: 3 }),
    ]);
    expect(errors.map((e) => [e.task, e.code])).toEqual([
      ["a", "race_out_of_range"],
      ["b", "race_out_of_range"],
      ["c", "race_out_of_range"],
      ["d", "bad_priority"],
    ]);
  });

  it("bad_field_value for an empty verify or backend", () => {
    expect(validateTasks([task("a", { verify: " ", backend: "" })]).map((e) => e.code)).toEqual([
      "bad_field_value",
      "bad_field_value",
    ]);
  });

  it("bad_field_value for a model or effort that is not one safe argv word", () => {
    const errors = validateTasks([
      task("a", { model: "--dangerously-bypass" }),
      task("b", { effort: "high; rm -rf ~" }),
      task("c", { model: "openai/gpt-5.1-codex", effort: "xhigh" }),
    ]);
    expect(errors.map((e) => [e.task, e.code])).toEqual([
      ["a", "bad_field_value"],
      ["b", "bad_field_value"],
    ]);
    expect(errors[0]?.message).toMatch(/model "--dangerously-bypass" is not a model name/);
  });

  it("no_group for a task with an empty group", () => {
    expect(validateTasks([task("a", { group: "" })]).map((e) => e.code)).toEqual(["no_group"]);
  });

  it("returns every problem at once, sorted by line", () => {
    const errors = errorsOf(chain("a<ghost", "a", "b<b"));
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [3, "unknown_dependency"],
      [4, "duplicate_id"],
      [6, "self_dependency"],
    ]);
  });
});
