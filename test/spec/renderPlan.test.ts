import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/spec/buildPlan.js";
import { escapeMarkdown, escapeTableCell } from "../../src/spec/escapeMarkdown.js";
import { mermaidText } from "../../src/spec/renderMermaid.js";
import { renderPlanMarkdown } from "../../src/spec/renderPlan.js";
import { renderSpecErrors } from "../../src/spec/renderSpecErrors.js";
import type { Task, TaskStatus } from "../../src/spec/task.js";

const task = (id: string, group: string, title: string, depends_on: string[] = []): Task => ({
  id,
  group,
  title,
  depends_on,
  description: "",
});

const plan = buildPlan(
  [
    task("db", "data", "Add the table"),
    task("api", "server", "Routes", ["db"]),
    task("ui", "server", "Page", ["api"]),
  ],
  { issue: 3 },
);

describe("renderPlanMarkdown", () => {
  it("renders a mermaid flowchart with a subgraph per group, then the table", () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toBe(
      [
        "```mermaid",
        "flowchart TD",
        '  subgraph g0["data"]',
        '    t0["db: Add the table"]',
        "  end",
        '  subgraph g1["server"]',
        '    t1["api: Routes"]',
        '    t2["ui: Page"]',
        "  end",
        "  t0 --> t1",
        "  t1 --> t2",
        "  classDef pending fill:#f6f8fa,stroke:#8c959f,color:#1f2328",
        "  classDef ready fill:#ddf4ff,stroke:#54aeff,color:#0a3069",
        "  classDef in_progress fill:#fff8c5,stroke:#d4a72c,color:#4d2d00",
        "  classDef needs_input fill:#fff1e5,stroke:#fb8f44,color:#762c00",
        "  classDef complete fill:#dafbe1,stroke:#4ac26b,color:#116329",
        "  classDef failed fill:#ffebe9,stroke:#ff8182,color:#82071e",
        "  classDef cancelled fill:#eaeef2,stroke:#afb8c1,color:#57606a,stroke-dasharray:4 2",
        "  class t0,t1,t2 pending",
        "```",
        "",
        "| Task | Group | Depends on | Priority | Status | Runs with |",
        "| --- | --- | --- | ---: | --- | --- |",
        "| `db` Add the table | data | — | 3 | pending | — |",
        "| `api` Routes | server | `db` | 2 | pending | — |",
        "| `ui` Page | server | `api` | 1 | pending | — |",
        "",
      ].join("\n"),
    );
  });

  it("colours each task by its status", () => {
    const status = new Map<string, TaskStatus>([
      ["db", "complete"],
      ["api", "in_progress"],
    ]);
    const md = renderPlanMarkdown(plan, status);
    expect(md).toContain("  class t0 complete\n  class t1 in_progress\n  class t2 pending\n");
    expect(md).toContain("| `api` Routes | server | `db` | 2 | in progress | — |");
  });

  it("escapes any title so the diagram and the table still render", () => {
    const title =
      'Fix "quotes" [x] <b>bold</b> `code` a|b #1 & {c} (d); \\ é 🚀\nsecond line @octocat';
    const md = renderPlanMarkdown(buildPlan([task("t", "g", title)]));
    const label = /t0\["(.*)"\]/.exec(md)?.[1] ?? "";
    // Every character that could end the label or start markup is an entity; text stays.
    expect(label).not.toMatch(/["[\]<>`|{}()\\]/);
    expect(label).toMatch(
      /^t: Fix #34;quotes#34; #91;x#93; #60;b#62;bold#60;\/b#62; #96;code#96; a#124;b #35;1 #38; /,
    );
    expect(label).toContain("é 🚀 second line");
    const row = md.split("\n").find((line) => line.startsWith("| `t`")) ?? "";
    expect(row.split(/(?<!\\)\|/)).toHaveLength(8); // 6 cells, no stray separators
    expect(row).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(row).toContain("a\\|b");
    expect(row).toContain("@&#8203;octocat");
    expect(row).not.toContain("\n");
  });

  it("leaves the diagram out first when the comment would be too long, with a note", () => {
    const big = buildPlan(
      Array.from({ length: 300 }, (_, i) => task(`task-${i}`, "g", `Title ${"x".repeat(60)}`)),
    );
    const full = renderPlanMarkdown(big);
    const tableLength = full.slice(full.indexOf("| Task")).length;
    const md = renderPlanMarkdown(big, undefined, { maxChars: tableLength + 200 });
    expect(md).not.toContain("```mermaid");
    expect(md).toMatch(/^_The diagram is left out: with 300 tasks/);
    expect(md.match(/^\| `task-/gm)).toHaveLength(300);
  });

  it("cuts table rows, with a count, when even the table does not fit", () => {
    const big = buildPlan(
      Array.from({ length: 300 }, (_, i) => task(`task-${i}`, "g", `Title ${"x".repeat(60)}`)),
    );
    const md = renderPlanMarkdown(big, undefined, { maxChars: 5_000 });
    expect(md.length).toBeLessThanOrEqual(5_000);
    const rows = md.match(/^\| `task-/gm)?.length ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect(md).toContain(`_…and ${300 - rows} more tasks, cut to fit a GitHub comment._`);
  });

  it("fits a 200-task plan in one GitHub comment", () => {
    const big = buildPlan(
      Array.from({ length: 200 }, (_, i) =>
        task(
          `task-${i}`,
          `g${i % 10}`,
          "A title of ordinary length here",
          i ? [`task-${i - 1}`] : [],
        ),
      ),
    );
    expect(renderPlanMarkdown(big).length).toBeLessThanOrEqual(65_536);
  });
});

describe("mermaidText", () => {
  it("writes syntax characters as mermaid entities and drops control characters", () => {
    expect(mermaidText('a"b#c<d>e`f[g]h|i;j')).toBe(
      "a#34;b#35;c#60;d#62;e#96;f#91;g#93;h#124;i#59;j",
    );
    expect(mermaidText("bell\u0007 and\nnewline")).toBe("bell and newline");
  });

  it("shortens long labels", () => {
    expect([...mermaidText("é".repeat(200))]).toHaveLength(80);
  });
});

describe("escapeMarkdown", () => {
  it("keeps code spans and escapes markup outside them", () => {
    expect(escapeMarkdown("use `a|b*c` not *this* or <tag> @someone #12")).toBe(
      "use `a|b*c` not \\*this\\* or &lt;tag&gt; @&#8203;someone \\#12",
    );
    expect(escapeTableCell("`a|b` c|d")).toBe("`a\\|b` c\\|d");
    expect(escapeMarkdown("unbalanced ` tick")).toBe("unbalanced \\` tick");
  });
});

describe("renderSpecErrors", () => {
  it("renders one list item per error, escaped", () => {
    expect(
      renderSpecErrors([
        {
          line: 12,
          task: "api",
          code: "unknown_dependency",
          message: 'depends on "db" which is not a task',
        },
        { code: "empty_spec", message: "the spec is empty <oops>" },
      ]),
    ).toBe(
      '- line 12, task "api": depends on "db" which is not a task\n- the spec is empty &lt;oops&gt;\n',
    );
  });

  it("cuts a long list with a count", () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({
      line: i + 1,
      code: "bad_id" as const,
      message: "x".repeat(100),
    }));
    const md = renderSpecErrors(errors, { maxChars: 2_000 });
    expect(md.length).toBeLessThanOrEqual(2_000);
    expect(md).toMatch(/_…and \d+ more problems, cut to fit a GitHub comment\._\n$/);
  });
});
