import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import type { TokenAccess } from "./state.js";

// The sandbox App asks for exactly what Orchestrate's app.yml asks for (the manifest GitHub
// registers it from): its permissions, so a route app.yml forgot is refused as on github.com,
// and its webhook events.

export interface AppManifest {
  permissions: Record<string, TokenAccess>;
  events: string[];
}

let cached: AppManifest | undefined;

export function appManifest(): AppManifest {
  if (cached) return cached;
  const file = findUp("app.yml");
  const raw = parse(readFileSync(file, "utf8")) as {
    default_permissions?: Record<string, string>;
    default_events?: string[];
  };
  const permissions: Record<string, TokenAccess> = {};
  for (const [name, access] of Object.entries(raw.default_permissions ?? {})) {
    if (access !== "read" && access !== "write") {
      throw new Error(`${file}: default_permissions.${name} is "${access}", not read or write`);
    }
    permissions[name] = access;
  }
  cached = { permissions, events: [...(raw.default_events ?? [])] };
  return cached;
}

/** app.yml ships at the package root: above src/sandbox, or dist/src/sandbox, by one more. */
function findUp(name: string): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const file = join(dir, name);
    if (existsSync(file) && existsSync(join(dir, "package.json"))) return file;
    if (dirname(dir) === dir)
      throw new Error(`the sandbox could not find ${name} above ${import.meta.dirname}`);
  }
}
