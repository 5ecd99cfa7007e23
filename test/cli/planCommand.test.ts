import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  it("prints the markdown plan of a valid spec and exits 0", async () => {
    const { code, stdout, stderr } = await run(["markdown-3-groups.md"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^7 tasks in 3 pull requests:\n\n- `orchestrate\/N-db`: 2 tasks\n/);
    expect(stdout).toContain("```mermaid\nflowchart TD\n");
    expect(stdout).toContain("| Task | Group | Depends on | Priority | Status |");
    expect(stdout).toContain(
      "| `db-schema` Add the saved\\_searches table | db | — | 4 | pending |",
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
        /\nusage: orchestrate plan FILE\|- \[--json\] \[--issue N\] \[--planner CMD\]\n$/,
      );
    }
  });
});
