import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import type { RunRecord, RunSnapshot, TaskRecord } from "../../src/runs/run.js";

/** A run record with every required field, overridable. */
export function runRecord(over: Partial<RunRecord> = {}): RunRecord {
  return {
    key: "acme/shop#12",
    owner: "acme",
    repo: "shop",
    issueNumber: 12,
    installationId: 7,
    state: "running",
    reason: null,
    statusCommentId: 99,
    startedBy: "alice",
    origin: "delivery-1",
    createdAt: "2025-03-01T10:00:00.000Z",
    updatedAt: "2025-03-01T10:30:00.000Z",
    questions: [],
    conversation: [],
    errors: [],
    awaitingApproval: false,
    config: defaultRepoConfig,
    groups: [],
    ...over,
  };
}

export function taskRecord(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    group: "data",
    depends_on: [],
    title: `Title of ${id}`,
    description: `Do ${id}`,
    priority: 1,
    status: "pending",
    kind: "implement",
    attempts: 0,
    ...over,
  };
}

/** A running run of two groups: one with its PR and threads, one still working. */
export function runningRun(): RunSnapshot {
  return {
    run: runRecord({
      groups: [
        {
          name: "data",
          branch: "orchestrate/12-data",
          pull: 34,
          threads: { open: 1, resolved: 2, ignored: 0 },
        },
        { name: "server", branch: "orchestrate/12-server", pull: null },
      ],
    }),
    tasks: [
      taskRecord("db", {
        title: "Add the orders table",
        status: "complete",
        attempts: 1,
        lastBackend: "codex",
        lastModel: "gpt-5",
        usage: { inputTokens: 12_345, outputTokens: 1_234, costUsd: 0.0412 },
        commit: "0123456789abcdef0123456789abcdef01234567",
        report: "Added migration 0003_orders and a model.",
        startedAt: "2025-03-01T10:01:00.000Z",
        finishedAt: "2025-03-01T10:03:05.000Z",
        priority: 3,
      }),
      taskRecord("thread-1", {
        title: "Use a numeric column for cents",
        kind: "review-thread",
        depends_on: ["db"],
        status: "in_progress",
        attempts: 1,
        lastBackend: "claude",
        startedAt: "2025-03-01T10:25:00.000Z",
      }),
      taskRecord("api", {
        group: "server",
        title: "Routes for /orders",
        depends_on: ["db"],
        status: "failed",
        attempts: 3,
        lastBackend: "gemini",
        lastModel: "gemini-2.5-pro",
        usage: { inputTokens: 250_000, outputTokens: 9_000, unpriced: 3 },
        report: "npm test: 2 failing | orders.test.ts",
        startedAt: "2025-03-01T10:04:00.000Z",
        finishedAt: "2025-03-01T10:20:00.000Z",
        priority: 2,
      }),
      taskRecord("ui", {
        group: "server",
        title: "Orders page",
        depends_on: ["api"],
        status: "pending",
      }),
    ],
  };
}
