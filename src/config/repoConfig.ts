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
  draft: "`true` or `false`",
  stack:
    "`true` to stack a dependent group's pull request on its parent group's branch, or `false`",
};

/** Checks `.github/orchestrate.yml` (already parsed from YAML); a missing file means defaults. */
export function parseRepoConfig(raw: unknown): RepoConfig {
  const parsed = repoConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const misplaced = parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : [],
    );
    const homes = misplaced.flatMap((key) => {
      const home = nestedHome(key);
      return home ? [`\`${key}\` goes under \`${home}:\` (\`${home}.${key}\`)`] : [];
    });
    const withHomes = homes.length > 0 ? { ...hints, "(root)": homes.join("; ") } : hints;
    throw new ConfigError(REPO_CONFIG_PATH, describeZodIssues(parsed.error, withHomes));
  }
  return parsed.data;
}

export const defaultRepoConfig: RepoConfig = parseRepoConfig({});

/** The section a key belongs in when it is not a top-level key: `ci_rounds` → `limits`. */
function nestedHome(key: string): string | null {
  for (const [name, field] of Object.entries(repoConfigSchema.shape)) {
    // Sections have defaults: the object is inside the default.
    const inner = (field as { def?: { innerType?: unknown } }).def?.innerType ?? field;
    const shape = (inner as { shape?: Record<string, unknown> }).shape;
    if (shape && key in shape) return name;
  }
  return null;
}
