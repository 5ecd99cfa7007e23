/**
 * The BullMQ queues Orchestrate runs (see eventQueue.ts, taskQueue.ts, pollScheduler.ts): the
 * operator's dashboard and metrics look at exactly these.
 */
export const queueNames = ["events", "tasks", "poll"] as const;
