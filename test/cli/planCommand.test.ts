import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planCommand } from "../../src/cli/planCommand.js";
import {
  FIXTURE_ORDER,
  FIXTURE_PRIORITIES,
  plannersDir,
  specFixture,
  specsDir,
} from "../spec/fixtures.js";

async function run(argv: string[], opts: { stdin?: string; cwd?: string } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await planCommand(argv, {
    stdin: Readable.from([opts.stdin ?? ""]),
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    cwd: opts.cwd ?? specsDir,
  });
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orchestrate-plan-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("orchestrate plan", () => {
  it("counts one task and one pull request in the singular", async () => {
    const { code, stdout } = await run(["-"], {
      stdin: "## docs\n\n- [ ] readme: Write the README\n",
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1 task in 1 pull request:\n\n- `orchestrate\/N-docs`: 1 task\n/);
  });

  it("prints the markdown plan of a valid spec and exits 0", async () => {
    const { code, stdout, stderr } = await run(["markdown-3-groups.md"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^7 tasks in 3 pull requests:\n\n- `orchestrate\/N-db`: 2 tasks\n/);
    expect(stdout).toContain("```mermaid\nflowchart TD\n");
    expect(stdout).toContain("| Task | Group | Depends on | Priority | Status | Runs with |");
    expect(stdout).toContain(
      "| `db-schema` Add the saved\\_searches table | db | — | 4 | pending | verify `npm test -- db` |",
    );
  });

  it("prints exactly {tasks, groups, order} with --json, using the issue number", async () => {
    const { code, stdout } = await run(["yaml-3-groups.md", "--json", "--issue", "42"]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(Object.keys(plan)).toEqual(["tasks", "groups", "order"]);
    for (const task of plan.tasks) {
      expect(Object.keys(task)).toEqual([
        "id",
        "group",
        "depends_on",
        "title",
        "description",
        "priority",
        "verify",
        "backend",
        "model",
        "effort",
        "race",
      ]);
    }
    expect(
      Object.fromEntries(
        plan.tasks.map((t: { id: string; priority: number }) => [t.id, t.priority]),
      ),
    ).toEqual(FIXTURE_PRIORITIES);
    expect(plan.groups).toEqual([
      { name: "db", branch: "orchestrate/42-db", tasks: ["db-schema", "db-queries"] },
      {
        name: "api",
        branch: "orchestrate/42-api",
        tasks: ["api-routes", "api-notify", "api-tests"],
      },
      { name: "web", branch: "orchestrate/42-web", tasks: ["web-list", "web-save-button"] },
    ]);
    expect(plan.order).toEqual(FIXTURE_ORDER);
  });

  it("shows with --json the model and effort a task asks for, and null where it asks none", async () => {
    const spec = [
      "```yaml",
      "tasks:",
      "  - { id: fast, group: core, title: Fast, description: Quick., model: gpt-5-mini }",
      "  - { id: deep, group: core, title: Deep, description: Careful., effort: high }",
      "```",
    ].join("\n");
    const { code, stdout } = await run(["-", "--json"], { stdin: spec });
    expect(code).toBe(0);
    const tasks = JSON.parse(stdout).tasks as Array<{ id: string; model: string; effort: string }>;
    expect(tasks.map(({ id, model, effort }) => ({ id, model, effort }))).toEqual([
      { id: "fast", model: "gpt-5-mini", effort: null },
      { id: "deep", model: null, effort: "high" },
    ]);
  });

  it("reads the spec from stdin with -", async () => {
    const { code, stdout } = await run(["-", "--json"], { stdin: specFixture("json-3-groups.md") });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).groups[0].branch).toBe("orchestrate/N-db");
  });

  it("exits 2 with one error per line for an invalid spec", async () => {
    const { code, stdout, stderr } = await run(["cyclic.md"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'line 5, task "parser": these tasks wait on each other in a cycle: parser → loader → validator → parser (each depends on the next) — remove one of these dependencies\n',
    );
  });

  it("prints each of several errors on its own line", async () => {
    const spec = ["## api", "- [ ] a: A", "  depends on: db", "- [ ] a: Again", "  race: 9"].join(
      "\n",
    );
    const { code, stderr } = await run(["-"], { stdin: spec });
    expect(code).toBe(2);
    expect(stderr.split("\n")).toEqual([
      'line 3, task "a": depends on "db" which is not a task — add a task with id "db" or remove it from depends_on',
      'line 4, task "a": id "a" is used by two tasks (lines 2 and 4) — give each task its own id',
      'line 5, task "a": race is 9; it must be a whole number from 1 to 5 (how many backends try the task at once)',
      "",
    ]);
  });

  it("exits 2 for a free-form spec without a planner, saying why", async () => {
    const { code, stderr } = await run(["freeform.md"]);
    expect(code).toBe(2);
    expect(stderr).toContain("the spec has no task list");
    expect(stderr).toContain("--planner CMD");
  });

  it("plans a free-form spec with --planner CMD", async () => {
    const { code, stdout } = await run([
      "freeform.md",
      "--json",
      "--planner",
      `"${join(plannersDir, "valid.mjs")}"`,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).order).toEqual(["schema", "routes", "page"]);
  });

  it("exits 2 with the planner's questions", async () => {
    const { code, stderr } = await run([
      "freeform.md",
      "--planner",
      join(plannersDir, "questions.mjs"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "the planner needs more information:\n- Which database holds saved searches?\n- Should the email be opt-in or opt-out?\n",
    );
  });

  it("exits 2 when the planner never gives a valid plan", async () => {
    const { code, stderr } = await run([
      "freeform.md",
      "--planner",
      join(plannersDir, "invalid.mjs"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("the planner gave no valid plan in 3 attempts");
    expect(stderr).toContain('task "a": these tasks wait on each other in a cycle: a → b → a');
  });

  it("exits 1 when the planner command fails", async () => {
    const { code, stderr } = await run(["freeform.md", "--planner", "exit 4"]);
    expect(code).toBe(1);
    expect(stderr).toContain("the planner command exited with 4");
  });

  it("appends the spec files a spec names, read from the working directory", async () => {
    const { code, stdout } = await run(["with-spec-file.md", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).order).toEqual(["db-schema", "db-queries", "api-routes"]);
  });

  it("points errors in a spec file at that file's line, and names missing files", async () => {
    writeFileSync(join(dir, "body.md"), "Feature.\nspec: docs/tasks.md\nspec: docs/gone.md\n");
    const missing = await run(["body.md"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'line 2: spec file "docs/tasks.md" was not found on the default branch — fix the path or commit the file\n' +
        'line 3: spec file "docs/gone.md" was not found on the default branch — fix the path or commit the file\n',
    );

    writeFileSync(join(dir, "body.md"), "Feature.\nspec: tasks.md\n");
    writeFileSync(join(dir, "tasks.md"), "## api\n- [ ] a: A\n  depends on: ghost\n");
    const broken = await run(["body.md"], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^tasks\.md line 3, task "a": depends on "ghost"/);
  });

  it("exits 1 with a usage line for a missing file or bad flags", async () => {
    const missing = await run(["nope.md"]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: "orchestrate plan: cannot read nope.md: no such file\n",
    });

    for (const argv of [
      [],
      ["a.md", "b.md"],
      ["a.md", "--bogus"],
      ["a.md", "--issue", "x1"],
      ["a.md", "--issue"],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /\nusage: orchestrate plan FILE\|- \[--config FILE\] \[--json\] \[--issue N\] \[--planner CMD\] \(see --help\)\n$/,
      );
    }
  });
});

/** A markdown spec of `count` tasks, `perGroup` to a group, each after the 3 before it. */
function bigSpec(count: number, perGroup = 10): string {
  const lines = ["# Big", ""];
  for (let i = 0; i < count; i++) {
    if (i % perGroup === 0) lines.push("", `## group-${i / perGroup}`, "");
    lines.push(`- [ ] task-${i}: Part ${i}`);
    const deps = Array.from({ length: Math.min(3, i) }, (_, d) => `task-${i - 1 - d}`);
    if (deps.length > 0) lines.push(`      depends on: ${deps.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("orchestrate plan checks what the app checks", () => {
  it("--help lists every option and exits 0", async () => {
    const { code, stdout, stderr } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const option of ["--config FILE", "--json", "--issue N", "--planner CMD", "--help"]) {
      expect(stdout).toContain(option);
    }
  });

  it("takes max_tasks from --config, as the app takes it from .github/orchestrate.yml", async () => {
    writeFileSync(join(dir, "spec.md"), bigSpec(250));
    const refused = await run(["spec.md", "--json"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the spec has 250 tasks; the limit is 200");

    writeFileSync(join(dir, "orchestrate.yml"), "limits:\n  max_tasks: 1000\n");
    const allowed = await run(["spec.md", "--json", "--config", "orchestrate.yml"], { cwd: dir });
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).tasks).toHaveLength(250);
  });

  it("reads .github/orchestrate.yml of the repository it runs in by default", async () => {
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, ".github"));
    mkdirSync(join(dir, "docs"));
    writeFileSync(
      join(dir, ".github/orchestrate.yml"),
      "verify: make check\nrace: 2\nlimits:\n  max_tasks: 5\n",
    );
    writeFileSync(join(dir, "docs/spec.md"), bigSpec(6));
    const refused = await run(["spec.md"], { cwd: join(dir, "docs") });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the spec has 6 tasks; the limit is 5");

    writeFileSync(join(dir, "docs/spec.md"), bigSpec(2));
    const ok = await run(["spec.md"], { cwd: join(dir, "docs") });
    expect(ok.code).toBe(0);
    // The repository's verify and race are what each task runs with.
    expect(ok.stdout).toContain("| pending | verify `make check`, race 2 |");
    const json = JSON.parse((await run(["spec.md", "--json"], { cwd: join(dir, "docs") })).stdout);
    expect(json.tasks[0]).toMatchObject({ verify: "make check", backend: null, race: 2 });
  });

  it("refuses an invalid configuration the way the app would, naming the file and the key", async () => {
    writeFileSync(join(dir, "spec.md"), bigSpec(2));
    writeFileSync(join(dir, "bad.yml"), "limits:\n  max_task: 10\n");
    const { code, stderr } = await run(["spec.md", "--config", "bad.yml"], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^orchestrate plan: bad\.yml is invalid:\n {2}- limits/);
    expect(stderr).toContain("max_task");
  });

  it("draws a 200-task plan by group within mermaid's limits, and warns that it did", async () => {
    writeFileSync(join(dir, "spec.md"), bigSpec(200));
    const { code, stdout, stderr } = await run(["spec.md"], { cwd: dir });
    expect(code).toBe(0);
    expect(stderr).toBe(
      "orchestrate plan: warning: The diagram shows the 20 groups, not the tasks: 200 tasks are more than one diagram shows readably (30).\n",
    );
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(stdout)?.[1] ?? "";
    expect(diagram.length).toBeGreaterThan(0);
    expect(diagram.length).toBeLessThanOrEqual(50_000);
    expect(diagram.split("\n").filter((l) => l.includes(" --> ")).length).toBe(19);
    expect(diagram).toContain('g0["group-0<br/>0/10 complete"]');
  });
});
