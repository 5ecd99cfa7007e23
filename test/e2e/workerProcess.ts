// `orchestrate worker` as a real process, the way an operator starts one more worker machine.
import { type CliProcess, startCliProcess } from "./cliProcess.js";
import type { Harness } from "./harness.js";

export type WorkerProcess = CliProcess;

export function startWorkerProcess(
  h: Harness,
  o: { backends: string; concurrency?: number; env?: Record<string, string> },
): Promise<WorkerProcess> {
  return startCliProcess(h, {
    command: "worker",
    backends: o.backends,
    readyWhen: "Orchestrate worker started",
    env: { WORKER_CONCURRENCY: String(o.concurrency ?? 1), ...o.env },
  });
}
