import { graphqlRateLimit } from "./graphql/rateLimitMeter.js";
import type { SandboxState } from "./state.js";

// Primary rate-limit bookkeeping per installation, reported in GitHub's x-ratelimit-* headers and
// by GET /rate_limit. REST ("core") is counted here and enforced by the REST door (state's
// restLimitPerHour, 5,000 as on GitHub); GraphQL points are metered (and enforced) by the
// GraphQL engine, whose meter this reads.

export type RateResource = "core" | "graphql";

interface Window {
  used: number;
  resetAt: number;
}

const WINDOW_MS = 60 * 60 * 1000;

export class RateLimits {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly state: SandboxState) {}

  /** counts REST calls; GraphQL points are charged by the GraphQL engine itself */
  charge(who: number | null, amount: number): void {
    this.window(who, "core").used += amount;
  }

  snapshot(who: number | null, resource: RateResource) {
    if (resource === "graphql") {
      const g = graphqlRateLimit(this.state, who ?? 0);
      return {
        limit: g.limit,
        used: g.used,
        remaining: g.remaining,
        reset: Math.floor(g.resetAt.getTime() / 1000),
      };
    }
    const w = this.window(who, resource);
    const limit = this.state.restLimitPerHour;
    return {
      limit,
      used: w.used,
      remaining: Math.max(0, limit - w.used),
      reset: Math.floor(w.resetAt / 1000),
    };
  }

  headers(who: number | null, resource: RateResource): Record<string, string> {
    const s = this.snapshot(who, resource);
    return {
      "x-ratelimit-limit": String(s.limit),
      "x-ratelimit-remaining": String(s.remaining),
      "x-ratelimit-reset": String(s.reset),
      "x-ratelimit-used": String(s.used),
      "x-ratelimit-resource": resource,
    };
  }

  private window(who: number | null, resource: RateResource): Window {
    const key = `${who ?? "app"}:${resource}`;
    const now = this.state.now().getTime();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      // GitHub resets on a whole second, the one its x-ratelimit-reset names.
      const length = resource === "core" ? this.state.restWindowMs : WINDOW_MS;
      w = { used: 0, resetAt: Math.ceil((now + length) / 1000) * 1000 };
      this.windows.set(key, w);
    }
    return w;
  }
}
