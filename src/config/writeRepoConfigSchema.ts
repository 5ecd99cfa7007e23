// `npm run schema`: rewrites orchestrate.schema.json at the package root from the zod schema;
// test/config/repoConfigJsonSchema.test.ts fails until the shipped file matches it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoConfigJsonSchema } from "./repoConfigJsonSchema.js";

// Compiled to dist/src/config/: the package root is three levels up.
const root = join(import.meta.dirname, "../../..");
writeFileSync(
  join(root, "orchestrate.schema.json"),
  `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`,
);
