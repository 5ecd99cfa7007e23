import type { SandboxState } from "./state.js";

// GitHub's secondary limit on content-creating requests (REST POST, PATCH, PUT, DELETE that
// create or change content, GraphQL mutations): at most 80 a minute and 500 an hour. Past it,
// a 403 with `retry-after` and GitHub's secondary-limit message. Off unless a test (or
// simulate) sets `state.contentLimits`: the suite's big runs write faster than one installation
// may, as they would with Probot's throttling off.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const sent = new WeakMap<SandboxState, Map<number, number[]>>();

/** Seconds to wait when `installationId` may not create content now; null when it may. */
export function contentLimitWait(state: SandboxState, installationId: number): number | null {
  const limits = state.contentLimits;
  if (!limits) return null;
  const now = state.now().getTime();
  const times = recent(state, installationId, now);
  const inMinute = times.filter((t) => t > now - MINUTE_MS);
  if (inMinute.length >= limits.perMinute) {
    return Math.max(1, Math.ceil(((inMinute[0] ?? now) + MINUTE_MS - now) / 1000));
  }
  if (times.length >= limits.perHour) {
    return Math.max(1, Math.ceil(((times[0] ?? now) + HOUR_MS - now) / 1000));
  }
  return null;
}

/** Counts one content-creating request that GitHub accepted. */
export function countContent(state: SandboxState, installationId: number): void {
  if (!state.contentLimits) return;
  const now = state.now().getTime();
  recent(state, installationId, now).push(now);
}

function recent(state: SandboxState, installationId: number, now: number): number[] {
  let byInstallation = sent.get(state);
  if (!byInstallation) {
    byInstallation = new Map();
    sent.set(state, byInstallation);
  }
  const kept = (byInstallation.get(installationId) ?? []).filter((t) => t > now - HOUR_MS);
  byInstallation.set(installationId, kept);
  return kept;
}
