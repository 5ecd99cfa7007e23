import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseRedisUrl } from "../queue/parseRedisUrl.js";
import type { BackendConfig } from "../worker/backendConfig.js";
import { checkNetworkNames } from "../worker/networkFor.js";
import { parseBackends } from "../worker/parseBackends.js";
import { plannerBackend } from "../worker/plannerAsk.js";
import { ConfigError, describeZodIssues } from "./configError.js";
import { type PriceTable, parsePrices } from "./parsePrices.js";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

// Names follow Probot's own variables where Probot reads them, ORCHESTRATE_* for ours.
const envSchema = z.object({
  APP_ID: z.coerce.number().int().positive().optional(),
  PRIVATE_KEY: z.string().min(1).optional(),
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks"),
  /** development: a webhook proxy channel (https://smee.io/new) the server forwards from */
  WEBHOOK_PROXY_URL: z.url().optional(),
  /** production: where GitHub reaches this server; registration points the webhook there */
  PUBLIC_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  GHE_HOST: z.string().optional(),
  GHE_PROTOCOL: z.enum(["https", "http"]).default("https"),
  GITHUB_API_URL: z.url().optional(),
  REDIS_URL: z
    .string()
    .superRefine((url, ctx) => {
      try {
        parseRedisUrl(url);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .optional(),
  ORCHESTRATE_DATA_DIR: z.string().default(".data"),
  ORCHESTRATE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
    .default("orchestrate"),
  ORCHESTRATE_BACKENDS: z.string().optional(),
  ORCHESTRATE_PLANNER: z.string().optional(),
  /** US dollars per million tokens by model, JSON or a file's path, for CLIs that report no cost */
  ORCHESTRATE_PRICES: z.string().optional(),
  /** agents and verify commands run under bubblewrap unless this is "true" (unsafe) */
  ORCHESTRATE_UNSAFE_NO_SANDBOX: z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((v) => v === "true"),
  /** names of the worker's variables agents and verify commands also get, comma-separated */
  ORCHESTRATE_AGENT_ENV: z.string().optional(),
  /** the bubblewrap program */
  ORCHESTRATE_SANDBOX_BWRAP: z.string().default("bwrap"),
  /** extra paths agents may read, separated by ':' (toolchains outside /usr) */
  ORCHESTRATE_SANDBOX_READ_ONLY: z
    .string()
    .default("")
    .transform((v) => v.split(":").filter((p) => p.trim() !== ""))
    .refine((paths) => paths.every((p) => p.startsWith("/")), {
      error: "every path must be absolute, e.g. /opt/go:/opt/agents",
    }),
  /** paths every agent may write, separated by ':' (a shared build cache); never the data dir */
  ORCHESTRATE_SANDBOX_SHARED: z
    .string()
    .default("")
    .transform((v) => v.split(":").filter((p) => p.trim() !== ""))
    .refine((paths) => paths.every((p) => p.startsWith("/")), {
      error: "every path must be absolute, e.g. /var/cache/orchestrate-go",
    }),
  /**
   * backends (by name), "verify", "all" or "none" that share the worker's network; unset: the
   * presets only (their model API), see networkFor
   */
  ORCHESTRATE_SANDBOX_NETWORK: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === ""
        ? undefined
        : v
            .split(",")
            .map((n) => n.trim())
            .filter((n) => n !== "" && n !== "none"),
    ),
  /** 0: a server runs no worker of its own (agents run only on `orchestrate worker` machines) */
  WORKER_CONCURRENCY: z.coerce.number().int().nonnegative().default(2),
  /** tasks running at once across every worker sharing the Redis; unset: no global cap */
  ORCHESTRATE_GLOBAL_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** seconds a dead worker's task stays locked before another worker takes it over (BullMQ lock and stalled check) */
  WORKER_LOCK_SECONDS: positiveInt(30),
  TASK_TIMEOUT_MINUTES: z.coerce.number().positive().default(30),
  /** off only for a GitHub Enterprise Server without rate limits, or the simulator */
  GITHUB_THROTTLE: z
    .enum(["on", "off"])
    .default("on")
    .transform((v) => v === "on"),
  /**
   * The App's own budget of content-generating requests per installation, shared by every
   * process through Redis (GitHub allows 80 a minute and 500 an hour); 0 for no pacing.
   */
  GITHUB_WRITES_PER_MINUTE: z.coerce.number().int().min(0).max(80).default(70),
  GITHUB_WRITES_PER_HOUR: z.coerce.number().int().min(0).max(500).default(470),
  /** least ms between two writes of one installation, across processes (GitHub asks for 1 s) */
  GITHUB_WRITE_SPACING_MS: z.coerce.number().int().min(0).default(1000),
  /** how often the review poller asks GitHub about every followed pull request */
  POLL_INTERVAL_SECONDS: z.coerce.number().min(1).default(30),
  /** how long Redis keeps an ended run (its status comment still allows a rebuild after) */
  RUN_RETENTION_DAYS: z.coerce.number().positive().default(14),
  LOG_FORMAT: z.enum(["json", "pretty"]).default("pretty"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** the queue dashboard at /admin/queues: both set to serve it behind basic auth, neither for off */
  ADMIN_USER: z
    .string()
    .regex(/^[^:]+$/, "may not contain ':' (basic auth splits user and password there)")
    .optional(),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /** set: /metrics wants `Authorization: Bearer <token>`; unset: /metrics is open */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

const hints: Record<string, string> = {
  APP_ID: "set it to the App ID shown on your GitHub App's settings page",
  PRIVATE_KEY: "paste the .pem file's contents, or set PRIVATE_KEY_PATH to its path",
  WEBHOOK_SECRET: "set it to the webhook secret you entered when registering the App",
  REDIS_URL:
    "e.g. redis://127.0.0.1:6379, redis+cluster://h1:7000,h2:7001 or redis+sentinel://h1:26379,h2:26379/mymaster; unset: a private redis-server",
  PORT: "a TCP port number such as 3000",
  WEBHOOK_PROXY_URL:
    "a channel URL such as https://smee.io/AbCdEf (open https://smee.io/new for one)",
  PUBLIC_URL:
    "the https:// address GitHub reaches this server at, e.g. https://orchestrate.example.org",
  WORKER_LOCK_SECONDS:
    "whole seconds such as 30; a crashed worker's task is taken over within about twice this",
  ADMIN_PASSWORD: "a long random string, e.g. the output of `openssl rand -hex 16`",
  METRICS_TOKEN: "a long random string, e.g. the output of `openssl rand -hex 24`",
};

export type RawEnv = z.infer<typeof envSchema>;

export interface AppCredentials {
  appId: number;
  privateKey: string;
  webhookSecret: string;
}

export interface OperatorConfig extends Omit<RawEnv, "PRIVATE_KEY" | "PRIVATE_KEY_PATH"> {
  /** null when the App is not registered yet: the server then serves Probot's setup page */
  credentials: AppCredentials | null;
  /** REST base URL; GraphQL lives at `${baseUrl}/graphql` (github.com) or `/api/graphql` (GHES) */
  baseUrl: string | undefined;
  /** PRIVATE_KEY_PATH when the key is read from a file: agents must never see that file */
  privateKeyPath: string | undefined;
  /** ORCHESTRATE_PRICES, read: what a worker charges the tokens of a CLI that reports no cost */
  prices: PriceTable;
}

/** Reads and checks the operator's environment; throws ConfigError naming every bad variable. */
export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const parsed = envSchema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    throw new ConfigError("The environment", describeZodIssues(parsed.error, hints));
  }
  const raw = parsed.data;
  const { PRIVATE_KEY, PRIVATE_KEY_PATH, ...rest } = raw;
  const privateKey = PRIVATE_KEY ? normaliseKey(PRIVATE_KEY) : readKey(PRIVATE_KEY_PATH);
  const given = [raw.APP_ID, privateKey, raw.WEBHOOK_SECRET].filter((v) => v !== undefined);
  if (given.length > 0 && given.length < 3) {
    const missing = [
      raw.APP_ID === undefined ? `APP_ID: missing — ${hints.APP_ID}` : null,
      privateKey === undefined ? `PRIVATE_KEY: missing — ${hints.PRIVATE_KEY}` : null,
      raw.WEBHOOK_SECRET === undefined ? `WEBHOOK_SECRET: missing — ${hints.WEBHOOK_SECRET}` : null,
    ].filter((m): m is string => m !== null);
    throw new ConfigError("The GitHub App credentials", missing);
  }
  if ((raw.ADMIN_USER === undefined) !== (raw.ADMIN_PASSWORD === undefined)) {
    const missing = raw.ADMIN_USER === undefined ? "ADMIN_USER" : "ADMIN_PASSWORD";
    throw new ConfigError("The queue dashboard's login", [
      `${missing}: missing — set both ADMIN_USER and ADMIN_PASSWORD to serve /admin/queues, or neither to turn it off`,
    ]);
  }
  let backends: BackendConfig[];
  try {
    // Checked here, before anything starts (a private Redis, say), like every other variable.
    backends = parseBackends(raw.ORCHESTRATE_BACKENDS);
  } catch (error) {
    throw new ConfigError("ORCHESTRATE_BACKENDS", [(error as Error).message]);
  }
  try {
    const planner = raw.ORCHESTRATE_PLANNER
      ? plannerBackend(raw.ORCHESTRATE_PLANNER, backends)
      : null;
    checkNetworkNames(raw.ORCHESTRATE_SANDBOX_NETWORK, [
      ...backends.map((b) => b.name),
      ...(planner ? [planner.name] : []),
    ]);
  } catch (error) {
    throw new ConfigError("The environment", [(error as Error).message]);
  }
  let prices: PriceTable;
  try {
    prices = parsePrices(raw.ORCHESTRATE_PRICES);
  } catch (error) {
    throw new ConfigError("ORCHESTRATE_PRICES", [(error as Error).message]);
  }
  const credentials =
    raw.APP_ID !== undefined && privateKey !== undefined && raw.WEBHOOK_SECRET !== undefined
      ? { appId: raw.APP_ID, privateKey, webhookSecret: raw.WEBHOOK_SECRET }
      : null;
  return {
    ...rest,
    credentials,
    baseUrl: baseUrlOf(raw),
    privateKeyPath: PRIVATE_KEY_PATH,
    prices,
  };
}

function baseUrlOf(raw: RawEnv): string | undefined {
  if (raw.GITHUB_API_URL) return raw.GITHUB_API_URL.replace(/\/$/, "");
  if (raw.GHE_HOST) return `${raw.GHE_PROTOCOL}://${raw.GHE_HOST}/api/v3`;
  return undefined;
}

function readKey(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return normaliseKey(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new ConfigError(
      "PRIVATE_KEY_PATH",
      [`cannot read "${path}" — point it at the .pem file downloaded from the App's settings`],
      { cause },
    );
  }
}

/** Accepts a PEM with real or escaped newlines, or base64 of a PEM (Probot accepts all three). */
function normaliseKey(value: string): string {
  const key = value.includes("-----BEGIN")
    ? value.replace(/\\n/g, "\n")
    : Buffer.from(value, "base64").toString("utf8");
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    throw new ConfigError("PRIVATE_KEY", [
      "PRIVATE_KEY: is not a PEM private key — paste the whole .pem file, including the BEGIN and END lines",
    ]);
  }
  return key;
}

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === "" ? undefined : v;
  return out;
}
