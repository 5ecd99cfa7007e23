// The environment an agent or a verify command may see of the worker's.

/** Variables every program expects: where programs are, the locale, the terminal, the clock. */
const BASE_NAMES = new Set([
  "PATH",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TERM",
  "USER",
  "LOGNAME",
  "SHELL",
  // Proxies and CA bundles: how an agent with network reaches its model API at all.
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  // Toolchains a verify command may need.
  "JAVA_HOME",
  "GOROOT",
  "GOPATH",
  "CARGO_HOME",
  "RUSTUP_HOME",
  // Claude Code's own settings without a prefix: its request timeout and retries, its shell
  // tool's time limits, its thinking budget.
  "API_TIMEOUT_MS",
  "BASH_DEFAULT_TIMEOUT_MS",
  "BASH_MAX_TIMEOUT_MS",
  "MAX_THINKING_TOKENS",
]);

/** The coding agents' own settings and keys (OPENAI_API_KEY, ANTHROPIC_BASE_URL, …). */
const AGENT_PREFIXES =
  /^(LC_[A-Z]+|(OPENAI|AZURE_OPENAI|ANTHROPIC|CLAUDE_CODE|CODEX|GEMINI|GOOGLE_GEMINI|GOOGLE_GENAI|GOOGLE_CLOUD|VERTEX|OPENCODE|OPENROUTER|MISTRAL|DEEPSEEK|GROQ|XAI|AWS_BEARER_TOKEN_BEDROCK)_[A-Z0-9_]+)$/;

/** Orchestrate's own secrets, never passed even when named in ORCHESTRATE_AGENT_ENV. */
const SECRET_NAMES = new Set([
  "APP_ID",
  "GITHUB_APP_ID",
  "CLIENT_ID",
  "CLIENT_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
  "WEBHOOK_PROXY_URL",
  "REDIS_URL",
  "REDIS_PASSWORD",
  "ADMIN_PASSWORD",
  "METRICS_TOKEN",
  "REDISCLI_AUTH",
  "SSH_AUTH_SOCK",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_PARAMETERS",
]);
const SECRET_PATTERNS = [
  /PRIVATE_KEY/,
  /WEBHOOK_SECRET/,
  /^ORCHESTRATE_/,
  /^(GITHUB|GH)_/,
  /^GIT_CONFIG_(KEY|VALUE)_\d+$/,
];

/**
 * The environment an agent or verify command gets from the worker's: an allowlist, since the
 * operator's environment (cloud credentials, database URLs, whatever else a machine holds) is
 * none of an agent's business. It keeps PATH, the locale, proxies and CA bundles, toolchain
 * homes, and the coding agents' own variables (OPENAI_*, ANTHROPIC_*, GEMINI_*, …); the
 * operator adds names with ORCHESTRATE_AGENT_ENV (comma-separated), or sets values per backend
 * in ORCHESTRATE_BACKENDS. Orchestrate's own secrets never pass. HOME and TMPDIR are the
 * sandbox's own, set by the caller.
 */
export function scrubbedEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const extra = new Set(
    (base["ORCHESTRATE_AGENT_ENV"] ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== ""),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (SECRET_NAMES.has(upper) || SECRET_PATTERNS.some((p) => p.test(upper))) continue;
    if (BASE_NAMES.has(key) || AGENT_PREFIXES.test(key) || extra.has(key)) env[key] = value;
  }
  // An agent's git must never stop to ask for credentials on a terminal nobody watches.
  env["GIT_TERMINAL_PROMPT"] = "0";
  return env;
}
