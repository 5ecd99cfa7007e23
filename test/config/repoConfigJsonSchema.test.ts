import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoConfigJsonSchema } from "../../src/config/repoConfigJsonSchema.js";

const root = join(import.meta.dirname, "../..");
const shipped = JSON.parse(readFileSync(join(root, "orchestrate.schema.json"), "utf8"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };

describe("orchestrate.schema.json", () => {
  it("is what the zod schema generates (run `npm run schema` after changing it)", () => {
    expect(shipped).toEqual(repoConfigJsonSchema());
  });

  it("ships in the package and is linked from the README", () => {
    expect(pkg.files).toContain("orchestrate.schema.json");
    expect(readFileSync(join(root, "README.md"), "utf8")).toMatch(
      /yaml-language-server: \$schema=.*orchestrate\.schema\.json/,
    );
  });

  it("flags a key the app does not know, at the top and under limits", () => {
    expect(shipped.additionalProperties).toBe(false);
    expect(shipped.properties.limits.additionalProperties).toBe(false);
    expect(shipped.properties.limits.properties.max_tasks).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 200,
    });
    // Keys with defaults are optional in the file, as they are to the app.
    expect(shipped.required ?? []).toEqual([]);
  });
});
