import { describe, expect, it } from "vitest";
import { mergeSpecFiles } from "../../src/spec/mergeSpecFiles.js";
import { parseSpec } from "../../src/spec/parseSpec.js";
import { relocateSpecErrors } from "../../src/spec/relocateSpecErrors.js";

describe("spec file references", () => {
  it("lists `spec:` and `specs:` files in order, once each, outside code blocks", () => {
    const body = [
      "Intro.",
      "spec: docs/feature.md",
      "Specs: `docs/api.md`, ./docs/ui.md",
      "specs:",
      "- docs/extra.md",
      "  - [more](docs/more.md)",
      "spec: docs/feature.md",
      "```",
      "spec: docs/in-code.md",
      "```",
      "  spec: docs/indented.md",
      "Spec: TBD",
    ].join("\n");
    expect(parseSpec(body)).toMatchObject({
      ok: true,
      format: "freeform",
      files: ["docs/feature.md", "docs/api.md", "docs/ui.md", "docs/extra.md", "docs/more.md"],
    });
  });

  it("rejects paths that leave the repository, with the line", () => {
    const result = parseSpec(
      "Body\nspec: ../secrets.md\nspec: /etc/passwd\nspec: https://example.com/x.md\n",
    );
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.code])).toEqual([
      [2, "bad_spec_file"],
      [3, "bad_spec_file"],
      [4, "bad_spec_file"],
    ]);
  });

  it("merges the files after the body and parses them as one spec", () => {
    const body = "Saved searches.\r\nspec: docs/tasks.md\r\n";
    const merged = mergeSpecFiles(body, {
      "docs/tasks.md": "## db\n- [ ] schema: Add the table\n",
    });
    if (!merged.ok) throw new Error("merge failed");
    expect(merged.text).toBe(
      "Saved searches.\nspec: docs/tasks.md\n\n\n<!-- orchestrate: spec file docs/tasks.md -->\n## db\n- [ ] schema: Add the table",
    );
    expect(parseSpec(merged.text)).toMatchObject({
      ok: true,
      format: "markdown",
      tasks: [{ id: "schema" }],
    });
  });

  it("names a missing file and the line that references it", () => {
    expect(mergeSpecFiles("x\nspec: docs/gone.md\n", { "docs/gone.md": null })).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          code: "spec_file_missing",
          message:
            'spec file "docs/gone.md" was not found on the default branch — fix the path or commit the file',
        },
      ],
    });
  });

  it("maps error lines back to the file they are in", () => {
    const body = "Body line 1\nspec: a.md\nspec: b.md\n";
    const merged = mergeSpecFiles(body, {
      "a.md": "## api\n- [ ] x: X\n",
      "b.md": "## web\n\n- [ ] y: Y\n  depends on: ghost\n",
    });
    if (!merged.ok) throw new Error("merge failed");
    const result = parseSpec(merged.text);
    if (result.ok) throw new Error("expected errors");
    expect(relocateSpecErrors(result.errors, merged.sections)).toEqual([
      expect.objectContaining({ file: "b.md", line: 4, task: "y", code: "unknown_dependency" }),
    ]);
  });
});
