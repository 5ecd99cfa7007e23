// The environment of one git command of the worker's. Configuration that matters for safety is
// injected with GIT_CONFIG_COUNT/KEY_n/VALUE_n on that command only: it beats every config file
// and, unlike `git -c`, does not show in the process list. No system or global config is read
// (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null, a HOME of the worker's own), the
// repository is named by GIT_DIR so nothing is discovered from the directory git runs in, and
// the installation token travels this way and nowhere else.

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitEnvOptions {
  identity: GitIdentity;
  /** Empty, read-only directory used as core.hooksPath, so no hook ever runs. */
  hooksDir: string;
  /** An empty directory of the worker's, as HOME: nothing in a user's home is read. */
  homeDir: string;
  /** The repository (GIT_DIR); null for commands that need none (ls-remote, init). */
  gitDir: string | null;
  /** GIT_WORK_TREE, for the commands that read or write the agent's files. */
  workTree?: string;
  /** GIT_INDEX_FILE: the worker's private index for the attempt. */
  indexFile?: string;
  /** Installation token for fetch/push/ls-remote; null for anonymous or local remotes. */
  token: string | null;
  /** The remote URL the token is for; the header is scoped to its origin. */
  url: string;
}

// Variables of the worker's environment git may keep seeing: the operator's trusted CAs (a
// GitHub Enterprise Server behind a private CA). Every other GIT_* variable is dropped, and so
// are those that can run programs or print headers (GIT_ASKPASS, GIT_SSH_COMMAND, GIT_TRACE*,
// EDITOR, PAGER, …): none is needed to fetch, commit or push.
const PASSED_GIT_VARS = new Set(["GIT_SSL_CAINFO", "GIT_SSL_CAPATH"]);
const DROPPED_NON_GIT = /^(EDITOR|VISUAL|PAGER|PREFIX|SSH_ASKPASS|HOME|XDG_[A-Z_]+)$/;

/** `Authorization` header value git sends for an installation token (GitHub's documented form). */
export function authHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
}

/** `http.<origin>/.extraHeader` for http(s) remotes, so a redirected or rewritten URL never gets it. */
function headerKey(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return `http.${u.origin}/.extraHeader`;
  } catch {
    // A local path or scp-like ssh address: no HTTP involved.
  }
  return "http.extraHeader";
}

export interface GitEnv {
  env: Record<string, string>;
  /** Guarded variable names simple-git must let through (its allowEnvironment option). */
  allowEnvironment: string[];
}

export function buildGitEnv(base: NodeJS.ProcessEnv, o: GitEnvOptions): GitEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (upper.startsWith("GIT_") ? !PASSED_GIT_VARS.has(upper) : DROPPED_NON_GIT.test(upper)) {
      continue;
    }
    env[key] = value;
  }
  const config: Array<[string, string]> = [
    ["core.hooksPath", o.hooksDir],
    ["core.fsmonitor", "false"],
    ["commit.gpgSign", "false"],
    ["push.followTags", "false"],
    ["push.recurseSubmodules", "no"],
    ["submodule.recurse", "false"],
  ];
  if (o.token) {
    config.push(
      // An empty value resets the helper list / askpass: a helper would otherwise run with this
      // command's environment, token included.
      ["credential.helper", ""],
      ["core.askPass", ""],
      [headerKey(o.url), authHeader(o.token)],
    );
  }
  env["GIT_CONFIG_COUNT"] = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env["GIT_CONFIG_NOSYSTEM"] = "1";
  env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  env["HOME"] = o.homeDir;
  env["GIT_TERMINAL_PROMPT"] = "0";
  if (o.gitDir !== null) env["GIT_DIR"] = o.gitDir;
  if (o.workTree !== undefined) env["GIT_WORK_TREE"] = o.workTree;
  if (o.indexFile !== undefined) env["GIT_INDEX_FILE"] = o.indexFile;
  env["GIT_AUTHOR_NAME"] = o.identity.name;
  env["GIT_AUTHOR_EMAIL"] = o.identity.email;
  env["GIT_COMMITTER_NAME"] = o.identity.name;
  env["GIT_COMMITTER_EMAIL"] = o.identity.email;
  const allowEnvironment = Object.keys(env).filter((k) => k.toUpperCase().startsWith("GIT_"));
  return { env, allowEnvironment };
}
