import { closeSync, readdirSync, readFileSync } from "node:fs";

const O_CLOEXEC = 0o2000000;

/**
 * Closes the descriptors this process inherited without close-on-exec (beyond stdin, stdout and
 * stderr, and Node's IPC channel). Every child would inherit them in turn, agents in their
 * sandbox included: a pipe or socket of whatever started the worker is no agent's business.
 * Node opens its own descriptors close-on-exec, so only inherited ones are affected. Returns
 * how many were closed (0 where /proc is not there).
 */
export function closeInheritedFds(): number {
  const keep = new Set([0, 1, 2, Number(process.env["NODE_CHANNEL_FD"] ?? -1)]);
  let closed = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc/self/fd");
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || keep.has(fd)) continue;
    try {
      const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
      if (!flags || (Number.parseInt(flags[1] ?? "0", 8) & O_CLOEXEC) !== 0) continue;
      closeSync(fd);
      closed += 1;
    } catch {
      // gone meanwhile (the directory listing's own descriptor, say)
    }
  }
  return closed;
}
