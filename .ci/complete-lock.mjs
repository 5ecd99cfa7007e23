#!/usr/bin/env node
// The npm registry mirror our machines use serves no packuments for some other platforms'
// optional binaries (e.g. @biomejs/cli-darwin-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds a lock entry,
// with its os/cpu, for every optional dependency the lock names but lacks; npm ci skips them
// on this platform as it would with a complete lock. Run after changing dependencies.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const platform = (name) => {
  const os = ["android", "darwin", "linux", "win32", "freebsd"].find(
    (o) => name.includes(`-${o}-`) || name.endsWith(`-${o}`),
  );
  const cpu = ["arm64", "x64", "arm", "ia32"].find((c) => new RegExp(`-${c}(-|$)`).test(name));
  const libc = name.includes("-musl") ? ["musl"] : os === "linux" ? ["glibc"] : undefined;
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc } : {}) };
};
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const child = `node_modules/${name}`;
    if (packages[child]) continue;
    packages[child] = {
      version: String(version).replace(/^[\^~]/, ""),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform(name),
    };
    added++;
    void key;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} optional platform entries`);
