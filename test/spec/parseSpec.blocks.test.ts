import { describe, expect, it } from "vitest";
import { parseSpec } from "../../src/spec/parseSpec.js";
import { specFixture } from "./fixtures.js";

function errorsOf(text: string) {
  const result = parseSpec(text);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

const yaml = (...lines: string[]) => ["Intro line", "", "```yaml", ...lines, "```", ""].join("\n");
const json = (value: string) => ["Intro line", "", "```json", value, "```", ""].join("\n");

describe("parseSpec: fenced yaml and json task lists", () => {
  it("reads a task's model and effort from yaml, and names a bad model's line", () => {
    const result = parseSpec(
      yaml(
        "tasks:",
        "  - id: a",
        "    group: api",
        "    title: Add the route",
        "    model: claude-sonnet-4-5",
        "    effort: low",
      ),
    );
    expect(result).toMatchObject({ ok: true });
    if (!result.ok || result.format === "freeform") return;
    expect(result.tasks[0]).toMatchObject({ model: "claude-sonnet-4-5", effort: "low" });
    const errors = errorsOf(
      yaml("tasks:", "  - id: a", "    group: api", "    title: Add the route", "    model: -x"),
    );
    expect(errors.map((e) => [e.line, e.code])).toEqual([[8, "bad_field_value"]]);
  });

  it("reads the yaml fixture exactly", () => {
    const result = parseSpec(specFixture("yaml-3-groups.md"));
    expect(result).toMatchObject({ ok: true, format: "yaml", groups: ["db", "api", "web"] });
    if (!result.ok || result.format === "freeform") return;
    expect(result.tasks).toHaveLength(7);
    expect(result.tasks[0]).toEqual({
      id: "db-schema",
      group: "db",
      title: "Add the saved_searches table",
      depends_on: [],
      verify: "npm test -- db",
      description:
        "Create a migration that adds `saved_searches (id, user_id, query, created_at)`\nwith an index on `user_id`.\n",
    });
    expect(result.tasks[3]).toMatchObject({ id: "api-notify", backend: "claude", race: 2 });
  });

  it("reads the json fixture, with its declared groups", () => {
    const result = parseSpec(specFixture("json-3-groups.md"));
    expect(result).toMatchObject({ ok: true, format: "json", groups: ["db", "api", "web"] });
    if (!result.ok || result.format === "freeform") return;
    expect(result.tasks.map((t) => t.id)).toEqual([
      "db-schema",
      "db-queries",
      "api-routes",
      "api-notify",
      "api-tests",
      "web-list",
      "web-save-button",
    ]);
    expect(result.tasks[6]?.title).toBe('"Save this search" button');
  });

  it("accepts ```yml and a bare array, and numbers as ids", () => {
    const text = [
      "```yml",
      "- id: 1",
      "  group: core",
      "  title: One",
      "- id: 2",
      "  group: core",
      "  title: Two",
      "  depends_on: 1",
      "```",
    ].join("\n");
    const result = parseSpec(text);
    expect(result).toMatchObject({ ok: true, format: "yaml" });
    if (!result.ok || result.format === "freeform") return;
    expect(result.tasks.map((t) => [t.id, t.depends_on])).toEqual([
      ["1", []],
      ["2", ["1"]],
    ]);
  });

  it("accepts a bare json array", () => {
    const result = parseSpec(json('[{"id": "a", "group": "g", "title": "A"}]'));
    expect(result).toMatchObject({
      ok: true,
      format: "json",
      tasks: [{ id: "a", description: "" }],
    });
  });

  it("ignores yaml and json blocks that are not task lists", () => {
    const text = [
      "Configure it like this:",
      "```yaml",
      "label: orchestrate",
      "```",
      "```json",
      '{"event": "push"}',
      "```",
      "## api",
      "- [ ] a: A",
    ].join("\n");
    expect(parseSpec(text)).toMatchObject({ ok: true, format: "markdown" });
  });

  it("ignores broken yaml and json that are not meant as task lists, but not broken task lists", () => {
    const examples = [
      "Payload:",
      "```json",
      '{"id": 1, "items": [...]}',
      "```",
      "```yaml",
      "key: [unclosed",
      "```",
      "## api",
      "- [ ] a: A",
    ].join("\n");
    expect(parseSpec(examples)).toMatchObject({ ok: true, format: "markdown" });
    const broken = ["```yaml", "- id: a", "  group: g", "  title: [A", "```"].join("\n");
    expect(parseSpec(broken)).toMatchObject({
      ok: false,
      format: "yaml",
      errors: [{ code: "yaml_syntax" }],
    });
  });

  it("lets a task block win over markdown checklists in the same body", () => {
    const text = `## notes\n- [ ] not-a-task: ignored\n\n${yaml("tasks:", "  - {id: a, group: g, title: A}")}`;
    expect(parseSpec(text)).toMatchObject({ ok: true, format: "yaml", tasks: [{ id: "a" }] });
  });

  it("concatenates several task blocks", () => {
    const text = `${yaml("tasks:", "  - {id: a, group: g, title: A}")}\n${json('{"tasks": [{"id": "b", "group": "g", "title": "B", "depends_on": ["a"]}]}')}`;
    expect(parseSpec(text)).toMatchObject({
      ok: true,
      format: "yaml",
      tasks: [{ id: "a" }, { id: "b" }],
    });
  });
});

describe("parseSpec: errors in yaml and json blocks point at issue-body lines", () => {
  it("names the line of the task and of the offending field", () => {
    const errors = errorsOf(
      yaml(
        "tasks:", // line 4
        "  - id: api", // 5
        "    group: web", // 6
        "    title: API", // 7
        "    depends_on: [db]", // 8
        "  - id: ui", // 9
        "    group: web", // 10
        "    title: UI", // 11
        "    race: 9", // 12
      ),
    );
    expect(errors).toEqual([
      {
        line: 8,
        task: "api",
        code: "unknown_dependency",
        message:
          'depends on "db" which is not a task — add a task with id "db" or remove it from depends_on',
      },
      expect.objectContaining({ line: 12, task: "ui", code: "race_out_of_range" }),
    ]);
  });

  it("rejects unknown keys, with a suggestion", () => {
    const errors = errorsOf(
      yaml("tasks:", "  - id: a", "    group: g", "    title: A", "    depends-on: [b]"),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        line: 8,
        task: "a",
        code: "unknown_field",
        message: expect.stringContaining('unknown field "depends-on" — did you mean "depends_on"?'),
      }),
    ]);
  });

  it("rejects unknown top-level keys", () => {
    const errors = errorsOf(yaml("tasks:", "  - {id: a, group: g, title: A}", "version: 2"));
    expect(errors).toEqual([expect.objectContaining({ line: 6, code: "unknown_field" })]);
  });

  it("names the task and field of a wrong type", () => {
    const errors = errorsOf(
      yaml(
        "tasks:",
        "  - id: a",
        "    group: g",
        "    title: A",
        "    race: two",
        "  - id: b",
        "    group: [x]",
        "    title: B",
      ),
    );
    expect(errors).toEqual([
      {
        line: 8,
        task: "a",
        code: "wrong_type",
        message: 'field "race" must be a number from 1 to 5, not the text "two"',
      },
      {
        line: 10,
        task: "b",
        code: "wrong_type",
        message: 'field "group" must be a string, not a list',
      },
    ]);
  });

  it("reports a missing required field and a task that is not a mapping", () => {
    const errors = errorsOf(yaml("tasks:", "  - id: a", "    title: A", "  - just a string"));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 5,
        task: "a",
        code: "missing_field",
        message: expect.stringContaining('"group"'),
      }),
      expect.objectContaining({ line: 7, task: "#2", code: "wrong_type" }),
    ]);
  });

  it("reports yaml syntax errors at the body line", () => {
    const errors = errorsOf(yaml("tasks:", "  - id: a", "    id: b", "    group: g"));
    expect(errors).toEqual([expect.objectContaining({ line: 6, code: "yaml_syntax" })]);
    expect(errors[0]?.message).toContain("Map keys must be unique");
  });

  it("reports json syntax errors at the body line, and yaml syntax inside a json block", () => {
    const errors = errorsOf(
      json('{\n  "tasks": [\n    {"id": "a", "group": "g", "title": "A",}\n  ]\n}'),
    );
    expect(errors).toEqual([expect.objectContaining({ line: 6, code: "json_syntax" })]);
  });

  it("reports duplicate keys in json, which JSON.parse would drop silently", () => {
    const errors = errorsOf(
      json('{"tasks": [\n{"id": "a", "id": "b", "group": "g", "title": "A"}\n]}'),
    );
    expect(errors).toEqual([expect.objectContaining({ line: 5, code: "json_syntax" })]);
  });

  it("maps json task lines", () => {
    const errors = errorsOf(
      json(
        '{"tasks": [\n  {"id": "a", "group": "g", "title": "A"},\n  {"id": "a", "group": "g", "title": "Again"}\n]}',
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        line: 6,
        task: "a",
        code: "duplicate_id",
        message: 'id "a" is used by two tasks (lines 5 and 6) — give each task its own id',
      }),
    ]);
  });
});

describe("parseSpec: declared groups", () => {
  it("rejects a declared group with no tasks and a task in an undeclared group", () => {
    const errors = errorsOf(
      yaml(
        "groups: [api, web, docs]",
        "tasks:",
        "  - {id: a, group: api, title: A}",
        "  - {id: b, group: wbe, title: B}",
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        line: 4,
        code: "empty_group",
        message: expect.stringContaining('"web"'),
      }),
      expect.objectContaining({
        line: 4,
        code: "empty_group",
        message: expect.stringContaining('"docs"'),
      }),
      expect.objectContaining({
        line: 7,
        task: "b",
        code: "unknown_group",
        message: expect.stringContaining('did you mean "web"?'),
      }),
    ]);
  });

  it("keeps the declared group order", () => {
    const result = parseSpec(
      yaml(
        "groups: [web, api]",
        "tasks:",
        "  - {id: a, group: api, title: A}",
        "  - {id: b, group: web, title: B}",
      ),
    );
    expect(result).toMatchObject({ ok: true, groups: ["web", "api"] });
  });
});
