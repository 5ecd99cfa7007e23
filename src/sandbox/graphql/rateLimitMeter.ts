import type { SandboxState } from "../state.js";

/** GitHub's primary GraphQL limit for an app installation (more with many repos/users; not modelled). */
export const GRAPHQL_POINTS_PER_HOUR = 5000;
const WINDOW_MS = 60 * 60 * 1000;

export interface GraphqlRateLimit {
  limit: number;
  used: number;
  remaining: number;
  /** when the current window ends and `used` returns to 0 */
  resetAt: Date;
}

interface Window {
  startedAt: number;
  used: number;
}

// Kept beside the state rather than in it: only the GraphQL endpoint charges points.
const meters = new WeakMap<SandboxState, Map<number, Window>>();

function currentWindow(state: SandboxState, installationId: number): Window {
  let perInstallation = meters.get(state);
  if (perInstallation === undefined) {
    perInstallation = new Map();
    meters.set(state, perInstallation);
  }
  const now = state.now().getTime();
  let window = perInstallation.get(installationId);
  if (window === undefined || now >= window.startedAt + WINDOW_MS) {
    window = { startedAt: now, used: 0 };
    perInstallation.set(installationId, window);
  }
  return window;
}

function snapshot(window: Window): GraphqlRateLimit {
  return {
    limit: GRAPHQL_POINTS_PER_HOUR,
    used: window.used,
    remaining: Math.max(0, GRAPHQL_POINTS_PER_HOUR - window.used),
    resetAt: new Date(window.startedAt + WINDOW_MS),
  };
}

/** An installation's GraphQL meter now (what GitHub's x-ratelimit-* headers report). */
export function graphqlRateLimit(state: SandboxState, installationId: number): GraphqlRateLimit {
  return snapshot(currentWindow(state, installationId));
}

/**
 * Charges `points` to the installation's hourly window and to `state.graphqlPoints` (the
 * sandbox-wide total benchmarks read). Returns the meter after charging, or null — charging
 * nothing — when the window has fewer points left than the call costs.
 */
export function chargeGraphqlPoints(
  state: SandboxState,
  installationId: number,
  points: number,
): GraphqlRateLimit | null {
  const window = currentWindow(state, installationId);
  if (GRAPHQL_POINTS_PER_HOUR - window.used < points) return null;
  window.used += points;
  state.graphqlPoints += points;
  return snapshot(window);
}
