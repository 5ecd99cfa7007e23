import { errorBody } from "./runtime.js";
import type { SandboxState } from "./state.js";

/** GitHub's figures; `createState` starts every sandbox with them. */
export const GITHUB_CONTENT_LIMITS = { perMinute: 80, perHour: 500 } as const;

/** Whether a REST call counts against the content limit. */
export function createsContent(operationId: string, method: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  return operationId !== "apps/revoke-installation-access-token";
}

/** GitHub's answer to a content-generating request past the limit. */
export function secondaryLimitAnswer(requestId: string, waitSeconds: number) {
  return {
    status: 403,
    body: errorBody(
      403,
      `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    ),
    headers: { "retry-after": String(waitSeconds) },
  };
}

// GitHub's secondary limit on content-generating requests (REST POST, PATCH, PUT, DELETE,
// GraphQL mutations; revoking one's own token creates nothing): at most 80 a minute and 500 an
// hour per installation. Past it, a 403 with `retry-after` and GitHub's secondary-limit message.
// On by default, as on github.com; a test that needs the old leniency sets
// `state.contentLimits = null`.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const sent = new WeakMap<SandboxState, Map<number, number[]>>();

/** Seconds to wait when `installationId` may not create content now; null when it may. */
export function contentLimitWait(state: SandboxState, installationId: number): number | null {
  const limits = state.contentLimits;
  if (!limits) return null;
  const { minuteMs = MINUTE_MS, hourMs = HOUR_MS } = limits;
  const now = state.now().getTime();
  const times = recent(state, installationId, now, hourMs);
  const inMinute = times.filter((t) => t > now - minuteMs);
  if (inMinute.length >= limits.perMinute) {
    return Math.max(1, Math.ceil(((inMinute[0] ?? now) + minuteMs - now) / 1000));
  }
  if (times.length >= limits.perHour) {
    return Math.max(1, Math.ceil(((times[0] ?? now) + hourMs - now) / 1000));
  }
  return null;
}

/** Counts one content-creating request that GitHub accepted. */
export function countContent(state: SandboxState, installationId: number): void {
  if (!state.contentLimits) return;
  const now = state.now().getTime();
  recent(state, installationId, now, state.contentLimits.hourMs ?? HOUR_MS).push(now);
}

function recent(
  state: SandboxState,
  installationId: number,
  now: number,
  hourMs: number,
): number[] {
  let byInstallation = sent.get(state);
  if (!byInstallation) {
    byInstallation = new Map();
    sent.set(state, byInstallation);
  }
  const kept = (byInstallation.get(installationId) ?? []).filter((t) => t > now - hourMs);
  byInstallation.set(installationId, kept);
  return kept;
}
