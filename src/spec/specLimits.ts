/** Defaults for the size limits parseSpec enforces; every one can be overridden per call. */
export const SPEC_LIMITS = {
  /** More tasks than this is almost always a planner gone wrong, and floods the queue. */
  maxTasks: 200,
  /** GitHub's issue body limit; a body over it was not written through GitHub. */
  maxBytes: 65_536,
  /** Half an issue body: the description becomes part of a worker prompt. */
  maxDescriptionBytes: 32_768,
  /** GitHub truncates pull-request titles at 256 characters; task titles end up in them. */
  maxTitleChars: 256,
  /** Ids and group names become parts of branch names, job ids and Redis keys. */
  maxNameChars: 100,
  /** Highest explicit priority; BullMQ priorities are bounded, so keep well below. */
  maxPriority: 1_000_000,
  /** Spec files a body may reference (each is one GitHub API read). */
  maxSpecFiles: 10,
} as const;

export type SpecLimits = { -readonly [K in keyof typeof SPEC_LIMITS]: number };
