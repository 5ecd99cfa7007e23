// The environment of one git command. Configuration that matters for safety is injected with
// GIT_CONFIG_COUNT/KEY_n/VALUE_n on that command only: it beats every config file (so nothing an
// agent writes into the shared clone can override it) and, unlike `git -c`, it does not show
// up in the process list. The installation token travels this way and nowhere else.

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitEnvOptions {
  identity: GitIdentity;
  /** Empty directory used as core.hooksPath, so no hook planted in the clone ever runs. */
  hooksDir: string;
  /** Installation token for fetch/push/ls-remote; null for anonymous or local remotes. */
  token: string | null;
  /** The remote URL the token is for; the header is scoped to its origin. */
  url: string;
}

// GIT_* variables of the worker's environment that git may keep seeing. Everything else that
// simple-git guards (GIT_ASKPASS, GIT_SSH_COMMAND, GIT_TRACE*, EDITOR, PAGER, …) is dropped:
// none is needed to fetch, commit, rebase or push, and several can run programs or print headers.
const PASSED_GIT_VARS = new Set([
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_SYSTEM",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
]);
const GUARDED_NON_GIT = new Set(["EDITOR", "VISUAL", "PAGER", "PREFIX", "SSH_ASKPASS"]);

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
    if (upper.startsWith("GIT_") ? !PASSED_GIT_VARS.has(upper) : GUARDED_NON_GIT.has(upper)) {
      continue;
    }
    env[key] = value;
  }
  const config: Array<[string, string]> = [
    ["core.hooksPath", o.hooksDir],
    ["core.fsmonitor", "false"],
    ["commit.gpgSign", "false"],
  ];
  if (o.token) {
    config.push(
      // An empty value resets the helper list / askpass: a helper planted in the clone's
      // config would otherwise run with this command's environment, token included.
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
  env["GIT_TERMINAL_PROMPT"] = "0";
  env["GIT_AUTHOR_NAME"] = o.identity.name;
  env["GIT_AUTHOR_EMAIL"] = o.identity.email;
  env["GIT_COMMITTER_NAME"] = o.identity.name;
  env["GIT_COMMITTER_EMAIL"] = o.identity.email;
  const allowEnvironment = Object.keys(env).filter((k) => k.toUpperCase().startsWith("GIT_"));
  return { env, allowEnvironment };
}
