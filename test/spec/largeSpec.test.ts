import { describe, expect, it } from "vitest";
import { findFencedBlocks } from "../../src/spec/findFencedBlocks.js";
import { parseSpec } from "../../src/spec/parseSpec.js";
import { readPlainYaml } from "../../src/spec/readPlainYaml.js";

const SIZE = 1_000;
const limits = { maxTasks: SIZE, maxBytes: 10_000_000 };

/** Task i depends on task i-1; task `bad` depends on a task that does not exist. */
function tasks(bad: number) {
  return Array.from({ length: SIZE }, (_, i) => ({
    id: `t${i}`,
    group: `g${i % 10}`,
    title: `Task ${i}`,
    description: `Part ${i}.\nWith tests.`,
    depends_on: i === bad ? [`t${i - 1}`, "nope"] : i > 0 ? [`t${i - 1}`] : [],
  }));
}

function yamlSpec(bad: number): string {
  const lines = ["A large spec.", "", "```yaml", "tasks:"];
  for (const task of tasks(bad)) {
    lines.push(`  - id: ${task.id}`, `    group: ${task.group}`, `    title: ${task.title}`);
    if (task.depends_on.length > 0) lines.push(`    depends_on: [${task.depends_on.join(", ")}]`);
    lines.push("    description: |", ...task.description.split("\n").map((l) => `      ${l}`));
  }
  lines.push("```", "");
  return lines.join("\n");
}

function jsonSpec(bad: number): string {
  return [
    "A large spec.",
    "",
    "```json",
    JSON.stringify({ tasks: tasks(bad) }, null, 2),
    "```",
  ].join("\n");
}

/** 1-based line of the first line containing `text`. */
function lineOf(spec: string, text: string): number {
  return spec.split("\n").findIndex((line) => line.includes(text)) + 1;
}

describe("parseSpec: a 1,000-task spec", () => {
  it("reads the yaml without the full yaml parser", () => {
    const block = findFencedBlocks(yamlSpec(-1).split("\n")).find((b) => b.lang === "yaml");
    expect(block && readPlainYaml(block.content)).toBeDefined();
    const result = parseSpec(yamlSpec(-1), limits);
    expect(result).toMatchObject({ ok: true, format: "yaml" });
    if (result.ok && result.format !== "freeform") expect(result.tasks).toHaveLength(SIZE);
  });

  it("names the line of one bad dependency near the end of the yaml", () => {
    const spec = yamlSpec(990);
    const result = parseSpec(spec, limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        line: lineOf(spec, "depends_on: [t989, nope]"),
        task: "t990",
        code: "unknown_dependency",
      }),
    ]);
  });

  it("names the line of one bad dependency near the end of the json", () => {
    const spec = jsonSpec(990);
    const result = parseSpec(spec, limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // JSON.stringify puts `"depends_on": [` on its own line, and the list starts there.
    const taskLine = lineOf(spec, '"id": "t990"');
    const expected =
      taskLine +
      spec
        .split("\n")
        .slice(taskLine)
        .findIndex((l) => l.includes('"depends_on"')) +
      1;
    expect(result.errors).toEqual([
      expect.objectContaining({ line: expected, task: "t990", code: "unknown_dependency" }),
    ]);
  });
});
