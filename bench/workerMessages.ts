// What bench/workerBench.ts and its worker children (bench/workerProcess.ts) say to each other
// over the fork IPC channel. Kept to a handful of messages per child so the channel itself adds
// nothing to the figures: per-job facts travel only once, in the final report.

/**
 * What the child's processor does per job:
 *   noop    nothing — the cost of BullMQ and our taskQueue wrapper alone;
 *   store   the run-store writes processTask makes for a task with nothing to do: read the run,
 *           claim ready → in_progress, then in_progress → complete (Lua compare-and-set);
 *   latency nothing, but remember when each job started, for the ready → start latency.
 */
export type WorkerMode = "noop" | "store" | "latency";

export const WORKER_MODES: readonly WorkerMode[] = ["noop", "store", "latency"];

/** go: start taking jobs (the child connects first and waits, so a start can be timed) */
export type ToChild = { type: "go" } | { type: "stop" };

export type FromChild =
  | { type: "ready" }
  | { type: "started" }
  | {
      type: "stopped";
      processed: number;
      failed: number;
      /** peak resident set size of the child, KiB (process.resourceUsage().maxRSS) */
      maxRssKb: number;
      /** latency mode: [taskId, epoch ms when its processor started] */
      starts: Array<[string, number]>;
    };

export function isFromChild(message: unknown): message is FromChild {
  if (typeof message !== "object" || message === null || !("type" in message)) return false;
  return message.type === "ready" || message.type === "started" || message.type === "stopped";
}

export function isToChild(message: unknown): message is ToChild {
  return typeof message === "object" && message !== null && "type" in message
    ? message.type === "go" || message.type === "stop"
    : false;
}
