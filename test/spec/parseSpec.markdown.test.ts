import { describe, expect, it } from "vitest";
import { parseSpec } from "../../src/spec/parseSpec.js";
import { specFixture } from "./fixtures.js";

function ok(text: string) {
  const result = parseSpec(text);
  if (!result.ok || result.format === "freeform") {
    throw new Error(`expected a task list, got ${JSON.stringify(result)}`);
  }
  return result;
}

function errorsOf(text: string) {
  const result = parseSpec(text);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

describe("parseSpec: the markdown convention", () => {
  it("reads a README-style spec: headings are groups, checklist items are tasks", () => {
    const spec = ok(specFixture("markdown-3-groups.md"));
    expect(spec.format).toBe("markdown");
    expect(spec.groups).toEqual(["db", "api", "web"]);
    expect(spec.tasks.map((t) => [t.id, t.group])).toEqual([
      ["db-schema", "db"],
      ["db-queries", "db"],
      ["api-routes", "api"],
      ["api-notify", "api"],
      ["api-tests", "api"],
      ["web-list", "web"],
      ["web-save-button", "web"],
    ]);
    expect(spec.files).toEqual([]);
  });

  it("takes indented lines as the description and field lines as fields", () => {
    const spec = ok(specFixture("markdown-3-groups.md"));
    const byId = new Map(spec.tasks.map((t) => [t.id, t]));
    expect(byId.get("db-schema")).toEqual({
      id: "db-schema",
      group: "db",
      title: "Add the saved_searches table",
      depends_on: [],
      verify: "npm test -- db",
      description:
        "Create a migration that adds `saved_searches (id, user_id, query, created_at)`\nwith an index on `user_id`.",
    });
    expect(byId.get("api-notify")).toMatchObject({
      depends_on: ["db-queries"],
      backend: "claude",
      race: 2,
    });
    // "Depends on:" is matched case-insensitively.
    expect(byId.get("web-save-button")?.depends_on).toEqual(["api-routes"]);
    expect(byId.get("web-save-button")?.title).toBe('"Save this search" button');
  });

  it("reads `model:` and `effort:` lines as the task's model and reasoning effort", () => {
    const spec = ok(
      [
        "## api",
        "- [ ] a: Add the route",
        "  The route lists saved searches.",
        "  - model: `gpt-5-codex`",
        "  - effort: high",
      ].join("\n"),
    );
    expect(spec.tasks[0]).toMatchObject({
      id: "a",
      model: "gpt-5-codex",
      effort: "high",
      description: "The route lists saved searches.",
    });
  });

  it("ignores headings without tasks: a document title and trailing notes are prose", () => {
    const spec = ok(specFixture("markdown-3-groups.md"));
    expect(spec.groups).not.toContain("Saved searches");
    expect(spec.groups).not.toContain("Out of scope");
  });

  it("accepts `* [ ]`, `- [x]`, `depends_on:` and several dependencies", () => {
    const spec = ok(
      [
        "## core",
        "* [ ] a: First",
        "- [x] b: Second, already ticked",
        "+ [X] c: Third",
        "  depends_on: a, b",
        "  DEPENDS ON: `a`",
        "  priority: 7",
      ].join("\n"),
    );
    expect(spec.tasks.map((t) => t.id)).toEqual(["a", "b", "c"]);
    expect(spec.tasks[2]).toMatchObject({ depends_on: ["a", "b"], priority: 7, description: "" });
  });

  it("accepts ids in backticks or bold and heading text in backticks", () => {
    const spec = ok(["## `api`", "- [ ] `routes`: Routes", "- [ ] **tests**: Tests"].join("\n"));
    expect(spec.tasks.map((t) => [t.id, t.group])).toEqual([
      ["routes", "api"],
      ["tests", "api"],
    ]);
  });

  it("keeps nested lists and code blocks in the description and never reads them as tasks", () => {
    const spec = ok(
      [
        "## api",
        "- [ ] routes: Add routes",
        "  Acceptance:",
        "  - [ ] sub-item: not a task, part of the description",
        "  ```yaml",
        "  depends on: not-a-field",
        "  - [ ] fake: not a task either",
        "  ```",
        "  depends on: schema",
        "- [ ] schema: Add the table",
      ].join("\n"),
    );
    expect(spec.tasks.map((t) => t.id)).toEqual(["routes", "schema"]);
    expect(spec.tasks[0]?.depends_on).toEqual(["schema"]);
    expect(spec.tasks[0]?.description).toBe(
      [
        "Acceptance:",
        "- [ ] sub-item: not a task, part of the description",
        "```yaml",
        "depends on: not-a-field",
        "- [ ] fake: not a task either",
        "```",
      ].join("\n"),
    );
  });

  it("ends a description at an unindented line", () => {
    const spec = ok(
      ["## api", "- [ ] routes: Add routes", "  Indented detail.", "Prose after the list."].join(
        "\n",
      ),
    );
    expect(spec.tasks[0]?.description).toBe("Indented detail.");
  });

  it("puts tasks under the nearest heading above them, whatever its level", () => {
    const spec = ok(["# Feature", "## api", "- [ ] a: A", "### web", "- [ ] b: B"].join("\n"));
    expect(spec.tasks.map((t) => t.group)).toEqual(["api", "web"]);
  });

  it("reports a task that is under no heading", () => {
    expect(errorsOf("- [ ] lonely: No heading above me\n")).toEqual([
      expect.objectContaining({ line: 1, task: "lonely", code: "no_group" }),
    ]);
  });

  it("reports a checklist item without an id among tasks, but not in prose sections", () => {
    const errors = errorsOf(
      [
        "## api",
        "- [ ] routes: Routes",
        "- [ ] and also the docs",
        "## Acceptance",
        "- [ ] it works offline",
      ].join("\n"),
    );
    expect(errors).toEqual([expect.objectContaining({ line: 3, code: "missing_task_id" })]);
  });

  it("reports a heading that is not a valid group name, with a suggestion", () => {
    const errors = errorsOf("## Database layer\n- [ ] schema: Add the table\n");
    expect(errors).toEqual([
      expect.objectContaining({
        line: 2,
        task: "schema",
        code: "bad_group_name",
        message: expect.stringContaining('"database-layer"'),
      }),
    ]);
    expect(errors[0]?.message).toContain("contains a space");
  });

  it("reports race and priority that are not numbers on their own line", () => {
    const errors = errorsOf(
      ["## api", "- [ ] a: A", "  race: fast", "  priority: high"].join("\n"),
    );
    expect(errors).toEqual([
      expect.objectContaining({ line: 3, task: "a", code: "wrong_type" }),
      expect.objectContaining({ line: 4, task: "a", code: "wrong_type" }),
    ]);
  });

  it("treats an empty dependency list written as `none` as no dependencies", () => {
    const spec = ok("## api\n- [ ] a: A\n  depends on: none\n");
    expect(spec.tasks[0]?.depends_on).toEqual([]);
  });
});

describe("parseSpec: text normalisation", () => {
  it("reads CRLF bodies and reports the original line numbers", () => {
    const text = ["## api", "- [ ] a: A", "  depends on: ghost", "- [ ] b: B"].join("\r\n");
    const errors = errorsOf(text);
    expect(errors).toEqual([
      expect.objectContaining({ line: 3, task: "a", code: "unknown_dependency" }),
    ]);
    const spec = ok(["\uFEFF## api", "- [ ] a: A", "  Line one", "  Line two"].join("\r\n"));
    expect(spec.tasks[0]?.description).toBe("Line one\nLine two");
  });

  it("accepts unicode in titles, descriptions and group names", () => {
    const spec = ok(
      ["## données", "- [ ] ui: Écran « recherches » 🔍 — 保存", "  Détails: ✓ naïve café"].join(
        "\n",
      ),
    );
    expect(spec.tasks[0]).toMatchObject({
      group: "données",
      title: "Écran « recherches » 🔍 — 保存",
      description: "Détails: ✓ naïve café",
    });
  });

  it("rejects control characters in ids and titles, naming the task and the code point", () => {
    const errors = errorsOf("## api\n- [ ] a: Ring \u0007 the bell\n- [ ] b\u001b: B\n");
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, task: "a", code: "control_character" }),
      expect.objectContaining({ line: 3, task: "b{U+001B}", code: "control_character" }),
    ]);
    expect(errors[0]?.message).toContain("U+0007");
    expect(errors[1]?.message).toContain("U+001B");
  });
});

describe("parseSpec: free-form and empty specs", () => {
  it("returns free-form text for the planner when there is no task list", () => {
    const text = specFixture("freeform.md");
    const result = parseSpec(text);
    expect(result).toEqual({ ok: true, format: "freeform", text, files: [] });
  });

  it("treats a plain checklist without ids as free-form prose", () => {
    const result = parseSpec("# Todo\n- [ ] make it fast\n- [ ] make it pretty\n");
    expect(result).toMatchObject({ ok: true, format: "freeform" });
  });

  it("rejects an empty body", () => {
    expect(errorsOf(" \n\n")).toEqual([expect.objectContaining({ code: "empty_spec" })]);
  });
});
