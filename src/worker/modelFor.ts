import type { RepoConfig } from "../config/repoConfig.js";
import type { TaskRecord } from "../runs/run.js";

/**
 * The model and reasoning effort an attempt passes to its backend: the task's own, else the
 * repository's `backend_defaults` for that backend, else none (the CLI keeps its default).
 */
export function modelFor(
  task: Pick<TaskRecord, "model" | "effort">,
  config: Pick<RepoConfig, "backend_defaults">,
  backend: string,
): { model?: string; effort?: string } {
  const defaults = config.backend_defaults?.[backend];
  const model = task.model ?? defaults?.model;
  const effort = task.effort ?? defaults?.effort;
  return { ...(model ? { model } : {}), ...(effort ? { effort } : {}) };
}
