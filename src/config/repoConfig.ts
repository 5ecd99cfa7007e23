import { z } from "zod";
import { ConfigError, describeZodIssues } from "./configError.js";

export const REPO_CONFIG_PATH = ".github/orchestrate.yml";
export const COPILOT_REVIEWER = "copilot-pull-request-reviewer[bot]";

// Keys are snake_case because the file is written by people, in YAML.
const repoConfigSchema = z
  .object({
    label: z.string().trim().min(1).max(50).default("orchestrate"),
    backends: z.array(z.string().min(1)).min(1).optional(),
    race: z.number().int().min(1).max(5).default(1),
    verify: z.string().min(1).optional(),
    trusted_bots: z.array(z.string().min(1)).default([COPILOT_REVIEWER]),
    approval: z.enum(["required", "none"]).default("none"),
    follow: z.enum(["all", "mention"]).default("all"),
    draft: z.boolean().default(false),
    limits: z
      .object({
        max_tasks: z.number().int().min(1).max(1000).default(200),
        attempts: z.number().int().min(1).max(10).default(3),
        agent_minutes: z.number().positive().default(600),
        run_attempts: z.number().int().min(1).max(100_000).default(1000),
        concurrency: z.number().int().min(1).max(64).optional(),
      })
      .strict()
      .default({ max_tasks: 200, attempts: 3, agent_minutes: 600, run_attempts: 1000 }),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

const hints: Record<string, string> = {
  label: "the name of the label that starts a run, e.g. `label: orchestrate`",
  race: "how many backends race on each task, 1 to 5",
  approval: "`required` to wait for `/orchestrate approve`, or `none`",
  follow:
    "`all` to act on every trusted review thread, or `mention` for threads that mention the app",
  trusted_bots: "a list of bot logins, e.g. `- coderabbitai[bot]`",
};

/** Checks `.github/orchestrate.yml` (already parsed from YAML); a missing file means defaults. */
export function parseRepoConfig(raw: unknown): RepoConfig {
  const parsed = repoConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(REPO_CONFIG_PATH, describeZodIssues(parsed.error, hints));
  }
  return parsed.data;
}

export const defaultRepoConfig: RepoConfig = parseRepoConfig({});
