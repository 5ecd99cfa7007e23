import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { IsolatedCommand, Isolation } from "./isolation.js";

// bubblewrap (Debian's `bubblewrap`) builds the sandbox from nothing: an empty root, then the
// system's program directories read-only, a handful of /etc files, a fresh /proc (of its own
// PID namespace, so no process of the worker is visible), /dev, an empty /tmp, and the task's
// own directories. The worker's data directory, caches, other worktrees, the App key and the
// operator's home are simply absent. When the command's first process exits, bubblewrap's
// PID namespace ends and the kernel kills everything left in it, daemons included.

/** System directories bound read-only when the host has them (symlinks are recreated as such). */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/** /etc entries programs need to resolve users, hosts, certificates and shared libraries. */
const ETC_ENTRIES = [
  "passwd",
  "group",
  "hosts",
  "hostname",
  "resolv.conf",
  "nsswitch.conf",
  "host.conf",
  "gai.conf",
  "services",
  "protocols",
  "networks",
  "ssl",
  "ca-certificates",
  "ca-certificates.conf",
  "alternatives",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "localtime",
  "timezone",
  "mime.types",
  "os-release",
  "debian_version",
];

/** Variables of the worker that name its own directories; the sandbox has its own. */
const DROPPED_VARS = /^(XDG_[A-Z_]+|TMP|TEMP|TMPDIR|OLDPWD|PWD)$/;

export interface BwrapOptions {
  /** The bwrap program (default "bwrap" from PATH). */
  program?: string;
  /** Extra paths every command may read (toolchains outside /usr, e.g. /opt/go). */
  readOnly?: readonly string[];
  /** Extra paths every command may write (a build cache the operator lets agents share). */
  shared?: readonly string[];
}

export function bwrapIsolation(options: BwrapOptions = {}): Isolation {
  const program = options.program ?? "bwrap";
  const base = systemBinds();
  // After /tmp and /run are mounted fresh, so a path under them stays visible.
  const extra = extraBinds([...(options.readOnly ?? []), nodePrefix()]);
  const shared = (options.shared ?? []).filter((p) => existsSync(p));
  return {
    name: "bubblewrap",
    sandboxed: true,
    wrap(c: IsolatedCommand) {
      const args = [
        program,
        "--unshare-all",
        ...(c.network ? ["--share-net"] : []),
        "--die-with-parent",
        // No --new-session: the command already leads a session of its own with no terminal
        // (runCommand starts it detached), so there is no terminal to inject into; a second
        // session would take the sandbox out of the process group a stop kills, and a stop
        // during bwrap's start-up (before --die-with-parent is armed) left it running for good.
        // As root, bwrap drops every capability of the sandbox unless told otherwise; as
        // another user, the user namespace leaves none outside it.
        "--cap-drop",
        "ALL",
        ...base,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--tmpfs",
        "/var/tmp",
        "--tmpfs",
        "/run",
        ...extra,
        ...c.readOnly.flatMap((p) => (existsSync(p) ? ["--ro-bind", p, p] : [])),
        ...[...shared, ...c.writable].flatMap((p) => ["--bind", p, p]),
        // The root itself (bwrap's own tmpfs, holding the mount points) is read-only too.
        "--remount-ro",
        "/",
        "--chdir",
        c.cwd,
        "--",
        ...c.argv,
      ];
      const env: NodeJS.ProcessEnv = {};
      for (const [key, value] of Object.entries(c.env)) {
        if (!DROPPED_VARS.test(key)) env[key] = value;
      }
      env["TMPDIR"] = "/tmp";
      return { argv: args, env };
    },
  };
}

/** bwrap arguments for the system directories and /etc's needed entries. */
function systemBinds(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else args.push("--ro-bind", dir, dir);
  }
  for (const entry of ETC_ENTRIES) {
    const path = `/etc/${entry}`;
    if (existsSync(path)) args.push("--ro-bind", path, path);
  }
  return args;
}

/** Read-only binds of the operator's extra paths not already under a system directory. */
function extraBinds(paths: readonly string[]): string[] {
  const args: string[] = [];
  const bound = new Set(SYSTEM_DIRS.filter((d) => existsSync(d)));
  for (const path of paths) {
    const full = resolve(path);
    const covered = [...bound].some((b) => full === b || full.startsWith(`${b}/`));
    if (!isAbsolute(path) || covered || !existsSync(full)) continue;
    args.push("--ro-bind", full, full);
    bound.add(full);
  }
  return args;
}

/** The directory Node.js is installed under, so `node` works wherever the operator put it. */
function nodePrefix(): string {
  return dirname(dirname(process.execPath));
}
