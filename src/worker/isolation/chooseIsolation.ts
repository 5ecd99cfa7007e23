import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bwrapIsolation } from "./bwrapIsolation.js";
import { type Isolation, noIsolation } from "./isolation.js";

export interface IsolationSettings {
  /** ORCHESTRATE_UNSAFE_NO_SANDBOX: agents run as the worker's user, seeing all it sees. */
  unsafeNoSandbox: boolean;
  /** ORCHESTRATE_SANDBOX_BWRAP: the bubblewrap program. */
  bwrap: string;
  /** ORCHESTRATE_SANDBOX_READ_ONLY: extra read-only paths. */
  readOnly: readonly string[];
  /** ORCHESTRATE_SANDBOX_SHARED: extra paths every agent may write. */
  shared: readonly string[];
  /** Paths no agent may ever see: the data directory, the App's key file. */
  secret: readonly string[];
}

export class IsolationUnavailableError extends Error {
  override readonly name = "IsolationUnavailableError";
}

/**
 * The isolation a worker runs its agents and verify commands in. bubblewrap is tried once with
 * the exact flags every task uses, so a machine where it cannot work (not installed, user
 * namespaces disabled, a container without the rights) refuses to start the worker with a
 * message saying how to fix it, instead of failing every task.
 */
export function chooseIsolation(settings: IsolationSettings): Isolation {
  if (settings.unsafeNoSandbox) return noIsolation;
  for (const path of [...settings.readOnly, ...settings.shared]) {
    const full = resolve(path);
    const exposed = settings.secret.find((s) => {
      const secret = resolve(s);
      return full === secret || secret.startsWith(`${full}/`) || full.startsWith(`${secret}/`);
    });
    if (exposed !== undefined) {
      throw new IsolationUnavailableError(
        `${path} (in ORCHESTRATE_SANDBOX_READ_ONLY or ORCHESTRATE_SANDBOX_SHARED) would show agents ${exposed}, ` +
          "which holds the worker's own files (the data directory, the App key): name a narrower path",
      );
    }
  }
  const isolation = bwrapIsolation({
    program: settings.bwrap,
    readOnly: settings.readOnly,
    shared: settings.shared,
  });
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-sandbox-probe-"));
  try {
    const { argv, env } = isolation.wrap({
      argv: ["sh", "-c", "test -w . && test ! -e /proc/1/root/etc/shadow || true"],
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
      writable: [dir],
      readOnly: [],
      network: false,
    });
    const [program, ...args] = argv as [string, ...string[]];
    const probe = spawnSync(program, args, { cwd: dir, env, encoding: "utf8", timeout: 20_000 });
    if (probe.status === 0) return isolation;
    const why = probe.error
      ? probe.error.message
      : (probe.stderr || probe.stdout || `exit ${probe.status}`).trim();
    throw new IsolationUnavailableError(
      `The agent sandbox does not work on this machine (${settings.bwrap}: ${why}). ` +
        "Workers run every agent and verify command under bubblewrap so that an agent cannot " +
        "read the worker's files or tokens. Install it (Debian/Ubuntu: apt-get install bubblewrap); " +
        "in a container, allow user namespaces (e.g. docker run --security-opt seccomp=unconfined " +
        "--security-opt apparmor=unconfined) or run the worker on a VM. To run agents without any " +
        "sandbox anyway, set ORCHESTRATE_UNSAFE_NO_SANDBOX=true: they can then read everything " +
        "the worker can, the installation tokens in use included.",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
