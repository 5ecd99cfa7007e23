import { describe, expect, it } from "vitest";
import { renderStatus } from "../../src/runs/renderStatus.js";
import type { RunSnapshot, RunState, TaskRecord } from "../../src/runs/run.js";
import { tickedCommands } from "../../src/runs/statusCheckboxes.js";
import { decodeStatusMetadata } from "../../src/runs/statusMetadata.js";
import { runningRun, runRecord, taskRecord } from "./statusFixtures.js";

const now = new Date("2025-03-01T10:30:00.000Z");
const render = (snapshot: RunSnapshot, repoUrl?: string) =>
  renderStatus(snapshot, { now, ...(repoUrl ? { repoUrl } : {}) });

/** The lines of the markdown table, header and separator included. */
const tableLines = (md: string) => md.split("\n").filter((line) => line.startsWith("| "));
/** Cell separators GitHub sees: `|` not preceded by a backslash. */
const separators = (line: string) => (line.match(/(?<!\\)\|/g) ?? []).length;
const mermaidBlock = (md: string) => /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1] ?? "";
const withState = (state: RunState, over: Partial<RunSnapshot["run"]> = {}): RunSnapshot => {
  const snapshot = runningRun();
  return { ...snapshot, run: { ...snapshot.run, state, ...over } };
};

describe("renderStatus: a running run", () => {
  const md = render(runningRun(), "https://github.com/acme/shop");

  it("opens with the state, who started it and how far it got, without pinging anyone", () => {
    expect(md.split("\n").slice(0, 2)).toEqual([
      "### 🏃 Running · Orchestrate run",
      "Started by @&#8203;alice · 1 of 4 tasks complete · 1 in progress · 1 failed",
    ]);
  });

  it("shows the reason when the run has one", () => {
    const text = render(withState("running", { reason: "retry of api asked by @bob" }));
    expect(text).toContain("_retry of api asked by @&#8203;bob_");
  });

  it("has a line per group with branch, pull request, threads and note", () => {
    const snapshot = runningRun();
    const server = snapshot.run.groups[1];
    if (server) server.note = "its pull request was closed by a person";
    const text = render(snapshot, "https://github.com/acme/shop");
    expect(text).toContain(
      "- **data** · [`orchestrate/12-data`](https://github.com/acme/shop/tree/orchestrate/12-data) · #34 · 1 of 1 tasks complete · review threads: 1 open, 2 resolved, 0 ignored",
    );
    expect(text).toContain(
      "- **server** · [`orchestrate/12-server`](https://github.com/acme/shop/tree/orchestrate/12-server) · pull request not opened yet · 0 of 2 tasks complete · _its pull request was closed by a person_",
    );
    expect(render(snapshot)).toContain("- **data** · `orchestrate/12-data` · #34");
  });

  it("draws one node per task, in its group's subgraph, with its status class", () => {
    const diagram = mermaidBlock(md);
    expect(diagram.match(/^ {4}t\d+\["/gm)).toHaveLength(4);
    expect(diagram).toContain('subgraph g0["data"]\n    t0["db: Add the orders table"]');
    expect(diagram).toContain('t1["💬 thread-1: Use a numeric column for cents"]');
    expect(diagram).toContain('subgraph g1["server"]\n    t2["api: Routes for /orders"]');
    expect(diagram).toContain("  class t0 complete");
    expect(diagram).toContain("  class t1 in_progress");
    expect(diagram).toContain("  class t2 failed");
    expect(diagram).toContain("  class t3 pending");
    expect(diagram).toContain("  t0 --> t2\n  t2 --> t3");
  });

  it("lists every task in a table with status, backend and model, attempts, duration (a running task: since when), tokens, cost and report", () => {
    expect(tableLines(md)).toEqual([
      "| Task | Group | Depends on | Status | Backend | Attempts | Duration | Tokens | Cost | Report |",
      "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
      "| `db` Add the orders table | data | — | ✅ complete | codex · gpt-5 | 1 | 2m 05s | 12.3k in / 1.2k out | $0.04 | Added migration 0003\\_orders and a model. |",
      "| 💬 `thread-1` Use a numeric column for cents | data | `db` | 🟡 in progress | claude | 1 | since 10:25 UTC | — | — | — |",
      "| `api` Routes for /orders | server | `db` | ❌ failed | gemini · gemini-2.5-pro | 3 | 16m 00s | 250k in / 9k out | — | npm test: 2 failing \\| orders.test.ts |",
      "| `ui` Orders page | server | `api` | ⚪ pending | — | 0 | — | — | — | — |",
    ]);
  });

  it("shows the backend a task asked for beside the one it ran on when no worker offered it", () => {
    const snapshot = runningRun();
    const tasks = snapshot.tasks.map((t) => (t.id === "db" ? { ...t, backend: "claude" } : t));
    const row = tableLines(render({ ...snapshot, tasks })).find((l) => l.includes("`db`"));
    expect(row).toContain("| codex · gpt-5 (asked: claude, not offered) |");
  });

  it("says what the run spent, and which task's cost nobody knows", () => {
    expect(md).toContain(
      "**Spent:** 262k tokens in / 10.2k out · $0.04 · 1 task's cost is unknown: its CLI reports none and ORCHESTRATE_PRICES has no price for its model",
    );
    const running = runningRun();
    const { config } = running.run;
    const limits = { ...config.limits, tokens: 500_000, usd: 5 };
    const snapshot = { ...running, run: { ...running.run, config: { ...config, limits } } };
    expect(render(snapshot)).toContain(
      "**Spent:** 262k tokens in / 10.2k out (budget 500,000) · $0.04 of $5.00 · 1 task's cost is unknown: its CLI reports none and ORCHESTRATE_PRICES has no price for its model, so `limits.usd` cannot count it",
    );
  });

  it("offers a retry box per failed task, with why it failed, and a stop box", () => {
    expect(md).toContain(
      "- [ ] <!-- orchestrate:retry:api --> Retry failed task `api` — npm test: 2 failing | orders.test.ts",
    );
    expect(md).toContain("- [ ] <!-- orchestrate:stop --> Stop this run");
  });

  it("ends with the commands folded away, then the metadata", () => {
    expect(md).toContain("<details><summary>Commands</summary>");
    expect(md).toContain("- `/orchestrate retry <task-id>` — run a failed task again");
    expect(md.trimEnd().split("\n").at(-1)).toMatch(/^<!-- orchestrate:status v2 \S+ -->$/);
    expect(decodeStatusMetadata(md)?.tasks.map((t) => t.id)).toEqual([
      "db",
      "thread-1",
      "api",
      "ui",
    ]);
  });

  it("keeps its reading order whatever order the store returns the tasks in", () => {
    const snapshot = runningRun();
    const reversed = { ...snapshot, tasks: [...snapshot.tasks].reverse() };
    expect(render(reversed, "https://github.com/acme/shop")).toBe(md);
  });

  it("round-trips a tick on its own retry box through tickedCommands", () => {
    const ticked = md.replace(
      "- [ ] <!-- orchestrate:retry:api -->",
      "- [x] <!-- orchestrate:retry:api -->",
    );
    expect(tickedCommands(md, ticked)).toEqual([{ command: "retry", argument: "api" }]);
  });
});

describe("renderStatus: every state has its section", () => {
  it("planning says the plan is being made", () => {
    const md = render({ run: runRecord({ state: "planning" }), tasks: [] });
    expect(md).toContain("### 📝 Planning · Orchestrate run\nStarted by @&#8203;alice");
    expect(md).toContain("Reading the spec and planning the tasks…");
    expect(md).toContain("<!-- orchestrate:stop --> Stop this run");
    expect(md).not.toContain("#### Tasks");
  });

  it("needs-input lists the planner's questions, numbered, and how to answer", () => {
    const md = render({
      run: runRecord({
        state: "needs-input",
        reason: "the planner needs answers",
        questions: ["Which database?\nPostgres or SQLite?", "Keep the `v1` API?"],
      }),
      tasks: [],
    });
    expect(md).toContain("### ✋ Needs input · Orchestrate run");
    expect(md).toContain(
      [
        "**The planner needs answers before it can plan:**",
        "",
        "1. Which database? Postgres or SQLite?",
        "2. Keep the `v1` API?",
        "",
        "Answer in a comment on this issue and the plan is made again.",
      ].join("\n"),
    );
  });

  it("needs-input waiting for approval says who can start it and how", () => {
    const md = render(
      withState("needs-input", {
        awaitingApproval: true,
        reason: "waiting for `/orchestrate approve`",
      }),
    );
    expect(md).toContain(
      "**This plan waits for approval.** Nothing runs until a maintainer comments `/orchestrate approve`.",
    );
    expect(md).toContain("_waiting for `/orchestrate approve`_");
    expect(md).toContain("```mermaid");
  });

  it("failed with spec errors lists them, says nothing started and how to fix it", () => {
    const md = render({
      run: runRecord({
        state: "failed",
        reason: "the spec is invalid",
        errors: ['line 4, task "api": depends on "db" which is not a task', "line 9: <b>bad</b>"],
      }),
      tasks: [],
    });
    expect(md).toContain("### ❌ Failed · Orchestrate run");
    expect(md).toContain(
      [
        "**The spec could not be used, so this run started nothing:**",
        "",
        '- line 4, task "api": depends on "db" which is not a task',
        "- line 9: &lt;b&gt;bad&lt;/b&gt;",
        "",
        "Edit the issue to fix these, then comment `/orchestrate` to plan again.",
      ].join("\n"),
    );
    expect(md).not.toContain("orchestrate:stop");
    expect(md).not.toContain("#### Summary");
  });

  it("stopped says who stopped it and offers no stop box", () => {
    const md = render(withState("stopped", { stoppedBy: "bob", reason: "stopped by @bob" }));
    expect(md).toContain("### ⏹️ Stopped · Orchestrate run");
    expect(md).toContain(
      "**Stopped by @&#8203;bob.** Queued work was cancelled and nothing more runs.",
    );
    expect(md).not.toContain("orchestrate:stop");
  });

  it("running, reviewing and done have their headers; reviewing explains what it follows", () => {
    expect(render(withState("running"))).toContain("### 🏃 Running");
    const reviewing = render(withState("reviewing"));
    expect(reviewing).toContain("### 👀 Reviewing");
    expect(reviewing).toContain("Following the review threads on the pull requests");
    expect(reviewing).toContain("orchestrate:stop");
    expect(render(withState("done"))).toContain("### ✅ Done");
  });
});

describe("renderStatus: the final summary", () => {
  const ended = (state: RunState): RunSnapshot => ({
    run: runRecord({
      state,
      groups: [{ name: "data", branch: "orchestrate/12-data", pull: 34 }],
      createdAt: "2025-03-01T10:00:00.000Z",
      updatedAt: "2025-03-01T12:03:00.000Z",
    }),
    tasks: [
      taskRecord("a", { status: "complete", attempts: 1, durationMs: 600_000 }),
      taskRecord("b", {
        status: "complete",
        attempts: 2,
        startedAt: "2025-03-01T10:00:00.000Z",
        finishedAt: "2025-03-01T10:30:30.000Z",
      }),
      taskRecord("c", {
        status: "failed",
        attempts: 3,
        durationMs: 1_800_000,
        report: "tests fail",
      }),
      taskRecord("d", { status: "cancelled", depends_on: ["c"] }),
      taskRecord("e", { status: "pending", depends_on: ["d"] }),
    ],
  });

  it("totals tasks, attempts, agent time and wall time, and says why each failed task failed", () => {
    const md = render(ended("failed"));
    expect(md).toContain(
      [
        "#### Summary",
        "",
        "- **Tasks:** 5 — 2 complete, 1 failed, 1 cancelled, 1 not run",
        "- **Attempts:** 6",
        "- **Agent time:** 1h 10m",
        "- **Wall time:** 2h 03m",
      ].join("\n"),
    );
    expect(md).toContain("- [ ] <!-- orchestrate:retry:c --> Retry failed task `c` — tests fail");
    expect(md).not.toContain("orchestrate:stop");
  });

  it("appears for done and stopped runs and not while the run is active", () => {
    expect(render(ended("done"))).toContain("#### Summary");
    expect(render(ended("stopped"))).toContain("#### Summary");
    expect(render(ended("running"))).not.toContain("#### Summary");
  });
});

describe("renderStatus: hostile text", () => {
  const nasty = [
    "pipe | in title",
    "new\nline and\r\ncrlf and lone\rreturn",
    "```js\nalert(1)\n```",
    "<script>alert(1)</script> & <!-- orchestrate:stop -->",
    "bell\u0007 esc\u001b[31m nul\u0000 del\u007f c1\u0085 ls\u2028ps\u2029 bidi\u202e",
    "@everyone ping #1 *bold* _it_ [link](x) ~~s~~",
    '"quotes" and ] brackets [ and ; semicolons',
    "漢字 テキスト 🚀 👩‍👩‍👧 é ü 🇫🇷",
  ];
  const snapshot: RunSnapshot = {
    run: runRecord({ groups: [{ name: "g | <x>", branch: "orchestrate/12-g", pull: null }] }),
    tasks: nasty.map((title, i) =>
      taskRecord(`t${i}`, {
        group: "g | <x>",
        title,
        report: title,
        status: i % 2 === 0 ? "failed" : "complete",
        depends_on: i > 0 ? [`t${i - 1}`] : [],
      }),
    ),
  };
  const md = render(snapshot);

  it("keeps every table row one row of ten cells", () => {
    const rows = tableLines(md);
    expect(rows).toHaveLength(2 + nasty.length);
    for (const row of rows) expect(separators(row)).toBe(11);
  });

  it("writes no control character, HTML or second fence into the comment", () => {
    const visible = md.slice(0, md.lastIndexOf("<!-- orchestrate:status"));
    const controls = [...visible].filter((ch) => {
      const c = ch.codePointAt(0) ?? 0;
      return (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x202e;
    });
    expect(controls).toEqual([]);
    expect(visible).not.toContain("<script>");
    expect(visible.match(/^```.*$/gm)).toEqual(["```mermaid", "```"]);
    // Inside the mermaid block GitHub links nothing; everywhere else "@" must not mention.
    expect(visible.replace(mermaidBlock(md), "")).not.toContain("@everyone");
  });

  it("keeps our hidden markers to our own boxes", () => {
    // The title quoting a stop marker is escaped; only the real boxes carry markers.
    expect(md.match(/<!-- orchestrate:/g)).toHaveLength(
      nasty.filter((_, i) => i % 2 === 0).length + 2, // retry boxes, stop box, metadata
    );
  });

  it("keeps mermaid labels inside their quotes", () => {
    const diagram = mermaidBlock(md);
    for (const line of diagram.split("\n").filter((l) => /^\s+t\d+\[/.test(l))) {
      expect(line).toMatch(/^ {4}t\d+\["[^"`<>|]*"\]$/);
    }
    expect(diagram).not.toContain("`");
    expect(diagram).toContain("漢字 テキスト 🚀 👩‍👩‍👧 é ü 🇫🇷");
  });

  it("cuts long titles and reports without splitting a character", () => {
    // A family emoji is five code points joined into one glyph: cuts land between families.
    const family = "👩‍👩‍👧";
    const text = render({
      run: runRecord({ groups: [{ name: "data", branch: "b", pull: null }] }),
      tasks: [taskRecord("x", { title: family.repeat(300), report: `é${family.repeat(300)}` })],
    });
    const [task, , , , , , , , , report] = (tableLines(text)[2] ?? "").slice(2, -2).split(" | ");
    expect(task).toBe(`\`x\` ${family.repeat(23)}…`);
    expect(report).toBe(`é${family.repeat(39)}…`);
  });
});

describe("renderStatus: the size budget", () => {
  const LIMIT = 65_536;
  // A deterministic scatter of scripts, so the titles compress about as badly as real ones.
  const alphabet = [
    ..."абвгдежзийклмнопрстуфхцчшщэюя漢字仮名交じり文テキストéüñçøß🚀✅👩‍💻|<>`*_ ",
  ];
  const unicodeText = (seed: number, length: number) => {
    let x = seed * 2654435761;
    let out = "";
    for (let i = 0; i < length; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      out += alphabet[x % alphabet.length];
    }
    return out;
  };
  const bigRun = (
    count: number,
    over: (i: number) => Partial<TaskRecord> = () => ({}),
  ): RunSnapshot => {
    const groups = Array.from({ length: 20 }, (_, g) => ({
      name: `группа-${g}`,
      branch: `orchestrate/12-группа-${g}`,
      pull: g < 10 ? 100 + g : null,
    }));
    const statuses = [
      "complete",
      "failed",
      "in_progress",
      "pending",
      "ready",
      "cancelled",
    ] as const;
    return {
      run: runRecord({ groups }),
      tasks: Array.from({ length: count }, (_, i) =>
        taskRecord(`task-${i}`, {
          group: `группа-${i % 20}`,
          title: unicodeText(i, 300),
          description: unicodeText(i + 7, 2000),
          report: unicodeText(i + 3, 400),
          status: statuses[i % statuses.length],
          attempts: (i % 3) + 1,
          lastBackend: "codex",
          commit: (i * 7919).toString(16).padStart(40, "0"),
          startedAt: "2025-03-01T10:00:00.000Z",
          finishedAt: "2025-03-01T10:05:00.000Z",
          // Every other task waits on the one before: 500 edges, within mermaid's edge limit.
          depends_on: i % 2 === 1 ? [`task-${i - 1}`] : [],
          ...over(i),
        }),
      ),
    };
  };

  it("renders a 1,000-task run with 300-character unicode titles within 65,536 characters", () => {
    const snapshot = bigRun(1000);
    const md = render(snapshot);
    expect(md.length).toBeLessThanOrEqual(LIMIT);
    // A big run is drawn by group, and its table starts with what needs attention.
    expect(md).toContain("_The diagram shows the 20 groups, not the tasks: 1000 tasks are more");
    expect(mermaidBlock(md)).toContain('g0["группа-0<br/>');
    const attention = md.slice(md.indexOf("#### Needs attention"), md.indexOf("#### Groups"));
    const rows = tableLines(attention).slice(2);
    expect(rows.length).toBeGreaterThan(0);
    // Failed tasks first, then running ones; nothing finished.
    const firstRunning = rows.findIndex((l) => l.includes("🟡 in progress"));
    expect(rows.slice(0, firstRunning).every((l) => l.includes("❌ failed"))).toBe(true);
    expect(rows.some((l) => l.includes("✅ complete"))).toBe(false);
    for (const row of tableLines(md)) expect(separators(row)).toBe(11);
    expect(md).toMatch(/<details><summary><b>группа-0<\/b> — \d+ of 50 complete/);
    const decoded = decodeStatusMetadata(md);
    expect(decoded?.tasks).toHaveLength(1000);
    expect(decoded?.tasks.find((t) => t.id === "task-1")).toMatchObject({
      depends_on: ["task-0"],
      status: "failed",
    });
  });

  it("stays within the limit with 1,000 failed tasks, long ids and many groups", () => {
    const snapshot = bigRun(1000, (i) => ({
      id: `${"x".repeat(90)}-${i}`,
      group: `group-${i}-${"y".repeat(80)}`,
      status: "failed",
      depends_on: [],
    }));
    snapshot.run.groups = snapshot.tasks.map((t) => ({
      name: t.group,
      branch: `orchestrate/12-${t.group}`,
      pull: null,
    }));
    const md = render(snapshot);
    expect(md.length).toBeLessThanOrEqual(LIMIT);
    expect(md).toContain("more failed tasks: retry them with `/orchestrate retry <task-id>`");
    expect(md).toContain("more groups, cut to fit this comment");
    expect(decodeStatusMetadata(md)).not.toBeNull();
  });

  it("gives up report length before the diagram", () => {
    const snapshot = bigRun(200, () => ({
      title: "Short title",
      report: "r".repeat(400),
      depends_on: [],
    }));
    const md = render(snapshot);
    expect(md.length).toBeLessThanOrEqual(LIMIT);
    expect(md).toContain("```mermaid");
    expect(md).toContain(`| ${"r".repeat(59)}… |`);
  });

  it("draws groups instead of a task diagram past mermaid's 500 edges, keeping every row", () => {
    const tasks = Array.from({ length: 40 }, (_, i) =>
      taskRecord(`t${i}`, { depends_on: Array.from({ length: i }, (_, j) => `t${j}`) }),
    );
    const md = render({
      run: runRecord({ groups: [{ name: "data", branch: "b", pull: null }] }),
      tasks,
    });
    expect(mermaidBlock(md)).toBe(
      [
        "flowchart TD",
        '  g0["data<br/>0/40 complete"]',
        "  classDef pending fill:#f6f8fa,stroke:#8c959f,color:#1f2328",
        "  class g0 pending",
      ].join("\n"),
    );
    // The group's section holds all 40 rows.
    expect(tableLines(md)).toHaveLength(42);
    expect(md).toContain("| `t39` Title of t39 | data | `t0`, `t1`, `t2`, `t3`, `t4`, +34 more |");
  });
});
