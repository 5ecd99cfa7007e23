// Where an agent or a verify command runs. The agent is untrusted (a prompt injection in the
// issue, the repository or a review makes it do whatever it can), so by default it runs under
// bubblewrap: its own PID, IPC, UTS and network namespaces, a root file system made only of
// the system's read-only directories, its task's directories writable, nothing of the worker.

export interface IsolatedCommand {
  /** The program and its arguments, as the worker would run them unsandboxed. */
  argv: readonly string[];
  /** Working directory; it is also writable inside the sandbox. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Directories the command may write (the task's working directory, its HOME, its io folder). */
  writable: readonly string[];
  /** Files or directories the command may read besides the system's (e.g. the agent's own script). */
  readOnly: readonly string[];
  /** Whether the command shares the worker's network (off: only its own loopback). */
  network: boolean;
}

export interface Isolation {
  /** "bubblewrap" or "none (unsafe)": shown in logs and in the status comment. */
  readonly name: string;
  /** false only for the operator's explicit opt-out; the status comment then warns. */
  readonly sandboxed: boolean;
  /** The argv and environment that run `command` inside the sandbox. */
  wrap(command: IsolatedCommand): { argv: string[]; env: NodeJS.ProcessEnv };
}

/** The unsafe opt-out: commands run as the worker's own user, seeing what the worker sees. */
export const noIsolation: Isolation = {
  name: "none (unsafe)",
  sandboxed: false,
  wrap: (c) => ({ argv: [...c.argv], env: { ...c.env } }),
};
