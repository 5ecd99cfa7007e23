import type { BackendConfig } from "./backendConfig.js";

/**
 * Whether a backend's agent (or, for "verify", the verify command) shares the worker's network.
 * The operator's ORCHESTRATE_SANDBOX_NETWORK decides when set (names, "all", or "none");
 * unset, the presets do, since a coding-agent CLI cannot work without its model API, and
 * custom commands and the verify command do not.
 */
export function networkFor(
  setting: readonly string[] | undefined,
  backends: readonly BackendConfig[],
): (name: string) => boolean {
  if (setting !== undefined) return (name) => setting.includes("all") || setting.includes(name);
  const shared = new Set(backends.filter((b) => b.network).map((b) => b.name));
  return (name) => shared.has(name);
}
