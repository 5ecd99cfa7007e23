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

/**
 * Throws a line naming ORCHESTRATE_SANDBOX_NETWORK when it names something that is neither a
 * declared backend nor `verify`, `all` or `none`: a misspelt name would silently cut a preset
 * off from its model API.
 */
export function checkNetworkNames(setting: readonly string[] | undefined, names: string[]): void {
  const unknown = (setting ?? []).filter(
    (n) => n !== "all" && n !== "verify" && !names.includes(n),
  );
  if (unknown.length === 0) return;
  throw new Error(
    `ORCHESTRATE_SANDBOX_NETWORK: ${unknown.map((n) => `"${n}"`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not a backend of this worker; write backend names (${names.join(", ") || "none declared"}), verify, all or none`,
  );
}
