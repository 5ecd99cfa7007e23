import type { SandboxState } from "./state.js";

/** GitHub's timestamp shape: ISO 8601 in UTC without milliseconds. */
export function timestamp(state: SandboxState, at: Date = state.now()): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}
