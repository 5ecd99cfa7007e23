import type { z } from "zod";
import { ConfigError, describeZodIssues } from "./configError.js";
import { COPILOT_REVIEWER, repoConfigSchema } from "./repoConfigSchema.js";

export { COPILOT_REVIEWER };

export const REPO_CONFIG_PATH = ".github/orchestrate.yml";
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
