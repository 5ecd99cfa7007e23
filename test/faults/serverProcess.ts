// `orchestrate server` as a real process (every role: webhooks, events, worker, poller), so a
// test can SIGKILL it the way a machine dies, and start another one the way an operator would.
import { freePort } from "../../src/queue/embeddedRedis.js";
import { type CliProcess, startCliProcess } from "../e2e/cliProcess.js";
import type { Harness } from "../e2e/harness.js";

export interface ServerProcess extends Omit<CliProcess, "kill"> {
  /** where this process takes webhooks */
  webhookUrl: string;
  /** SIGKILL: no clean-up of any kind */
  kill(): void;
  /** SIGKILL, then waits for the process to be gone */
  killed(): Promise<void>;
}

export async function startServerProcess(
  h: Harness,
  o: { backends: string; env?: Record<string, string> },
): Promise<ServerProcess> {
  const port = await freePort();
  const cli = await startCliProcess(h, {
    command: "server",
    backends: o.backends,
    readyWhen: "Orchestrate is listening",
    env: { WORKER_CONCURRENCY: "2", HOST: "127.0.0.1", PORT: String(port), ...o.env },
  });
  return {
    ...cli,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    kill: () => void cli.kill(),
    killed: () => cli.kill(),
  };
}
