import { z } from "zod";
import { repoConfigSchema } from "./repoConfigSchema.js";

/**
 * The JSON Schema of `.github/orchestrate.yml`, generated from the zod schema the app validates
 * with, so an editor flags exactly what the app would refuse. Draft 7 because YAML editors
 * (yaml-language-server) support it fully. "input" mode: every key with a
 * default is optional in the file, as it is to the app.
 */
export function repoConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(repoConfigSchema, { io: "input", target: "draft-7" }),
    title: ".github/orchestrate.yml",
    description: "Orchestrate's repository configuration (see Orchestrate's README).",
  };
}
