import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../config/configError.js";
import {
  defaultRepoConfig,
  parseRepoConfig,
  REPO_CONFIG_PATH,
  type RepoConfig,
} from "../config/repoConfig.js";

/**
 * The repository configuration `plan` checks against, as the app would read it: the file named
 * by --config, else `.github/orchestrate.yml` of the git repository around `cwd`, else the
 * defaults. An invalid file throws the app's own ConfigError, key by key.
 */
export async function readPlanConfig(file: string | undefined, cwd: string): Promise<RepoConfig> {
  const path = file !== undefined ? resolve(cwd, file) : findRepoConfig(cwd);
  if (path === null) return defaultRepoConfig;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(`cannot read the repository configuration ${path}: no such file`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    return parseRepoConfig(raw);
  } catch (error) {
    // Named as the file it was read from: `--config` may name any file.
    if (error instanceof ConfigError)
      throw new ConfigError(file ?? path, error.issues, { cause: error });
    throw error;
  }
}

/** `.github/orchestrate.yml` in the nearest directory up from `cwd` that holds `.git`. */
function findRepoConfig(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ".git"))) {
      const path = join(dir, REPO_CONFIG_PATH);
      return existsSync(path) ? path : null;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
