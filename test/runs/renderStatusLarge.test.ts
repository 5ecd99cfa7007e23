import { describe, expect, it } from "vitest";
import { renderStatus } from "../../src/runs/renderStatus.js";
import type { RunSnapshot, TaskRecord } from "../../src/runs/run.js";
import { decodeStatusMetadata } from "../../src/runs/statusMetadata.js";
import { runRecord, taskRecord } from "./statusFixtures.js";

// Big runs as GitHub would show them: every diagram the comment holds must be one mermaid
// draws (at most 50,000 characters and 500 edges), and the comment must fit in 65,536.
const now = new Date("2025-03-01T10:30:00.000Z");
const diagrams = (md: string) =>
  [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
const edges = (diagram: string) => diagram.split("\n").filter((l) => l.includes(" --> ")).length;

/** `count` tasks, `perGroup` to a group, each depending on the 3 tasks before it. */
function run(count: number, perGroup: number): RunSnapshot {
  const groupOf = (i: number) => `group-${Math.floor(i / perGroup)}`;
  const names = [...new Set(Array.from({ length: count }, (_, i) => groupOf(i)))];
  const tasks: TaskRecord[] = Array.from({ length: count }, (_, i) =>
    taskRecord(`task-${i}`, {
      group: groupOf(i),
      title: `Implement part ${i} of the feature, with tests`,
      depends_on: Array.from({ length: Math.min(3, i) }, (_, d) => `task-${i - 1 - d}`),
      status: i < count / 2 ? "complete" : i === Math.floor(count / 2) ? "failed" : "pending",
      attempts: i <= count / 2 ? 1 : 0,
      report:
        i === Math.floor(count / 2)
          ? "verify-failed (attempt 3, backend agent): verify `npm test` failed with exit 1: expected 2, got 3\nFAIL orders.test.ts\nexpected 2, got 3"
          : "Done.",
    }),
  );
  return {
    run: runRecord({
      groups: names.map((name) => ({ name, branch: `orchestrate/12-${name}`, pull: null })),
    }),
    tasks,
  };
}

describe("the status comment of a big run", () => {
  for (const [count, perGroup] of [
    [200, 10],
    [1000, 10],
    [1000, 1],
  ] as const) {
    it(`keeps ${count} tasks in groups of ${perGroup} within mermaid's and GitHub's limits`, () => {
      const snapshot = run(count, perGroup);
      // 3 dependencies per task: far past mermaid's 500 edges as a task diagram.
      expect(snapshot.tasks.reduce((n, t) => n + t.depends_on.length, 0)).toBe(3 * count - 6);
      const md = renderStatus(snapshot, { now });
      expect(md.length).toBeLessThanOrEqual(65_536);
      for (const diagram of diagrams(md)) {
        expect(diagram.length).toBeLessThanOrEqual(50_000);
        expect(edges(diagram)).toBeLessThanOrEqual(500);
        // Groups, never tasks, past 30 tasks.
        expect(diagram).not.toMatch(/^ {4}t\d+\[/m);
      }
      expect(md).toContain("#### Needs attention");
      expect(md).toContain("#### Groups");
      // A line per group (collapsible while there is room for its tasks), with its progress;
      // the group holding the failure comes first when not all of them fit.
      expect(md).toMatch(/(<details><summary>|- )<b>group-\d+<\/b> — \d+ of \d+ complete/);
      expect(md).toMatch(
        new RegExp(
          `(<details><summary>|- )<b>${snapshot.tasks[count / 2]?.group}</b> — \\d+ of \\d+ complete · 1 failed`,
        ),
      );
      // The failed task heads the attention table, with why it failed.
      const attention = md.slice(md.indexOf("#### Needs attention"));
      const firstRow = attention.split("\n").find((l) => l.startsWith("| `"));
      expect(firstRow).toContain(`\`task-${count / 2}\``);
      expect(firstRow).toContain("❌ failed");
      expect(decodeStatusMetadata(md)?.tasks).toHaveLength(count);
    });
  }

  it("draws 200 tasks in 20 groups as 20 nodes with their progress and their dependencies", () => {
    const md = renderStatus(run(200, 10), { now });
    const [diagram = ""] = diagrams(md);
    expect(md).toContain(
      "_The diagram shows the 20 groups, not the tasks: 200 tasks are more than one diagram shows readably (30)._",
    );
    expect(diagram.match(/^ {2}g\d+\["/gm)).toHaveLength(20);
    expect(diagram).toContain('  g0["group-0<br/>10/10 complete"]');
    expect(diagram).toContain('  g10["group-10<br/>0/10 complete · 1 failed"]');
    expect(diagram).toContain("  g0 --> g1");
    expect(edges(diagram)).toBe(19);
    expect(diagram).toContain("  class g10 failed");
  });

  it("says why it has no diagram when even the groups are past mermaid's limits", () => {
    const md = renderStatus(run(1000, 1), { now });
    expect(diagrams(md)).toEqual([]);
    expect(md).toContain(
      "_No diagram: 1000 tasks are more than one diagram shows readably (30), and one of the 1000 groups is past mermaid's limits too._",
    );
  });

  it("draws a run of 30 tasks task by task", () => {
    const md = renderStatus(run(30, 10), { now });
    const [diagram = ""] = diagrams(md);
    expect(diagram.match(/^ {4}t\d+\["/gm)).toHaveLength(30);
    expect(md).not.toContain("#### Needs attention");
  });
});
