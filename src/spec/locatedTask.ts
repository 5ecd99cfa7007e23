import type { Task } from "./task.js";

/** A task together with where it was written, so validation can name the line. */
export interface LocatedTask {
  task: Task;
  /** 1-based line of the task (its checklist item, or its first line in a yaml/json block) */
  line?: number;
  /** Lines of individual fields where known (yaml/json), for errors about one field. */
  fieldLines?: Partial<Record<keyof Task, number>>;
}

/** Maps a path inside a yaml/json document (`["tasks", 3, "race"]`) to a line of the spec. */
export type DocumentLocator = (path: readonly (string | number)[]) => number | undefined;
