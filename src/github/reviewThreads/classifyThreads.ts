import type { ListedThread } from "./listThreadPages.js";
import type { PullSeen, ThreadChange, ThreadSeen } from "./types.js";

/**
 * Compares a fresh listing with what the last one saw. A thread is `changed` when it was
 * resolved or unresolved, became outdated (or current again), or its comment count moved (a
 * reply, or a deleted comment); the detail fetch then tells who said what.
 */
export function classifyThreads(
  listed: readonly ListedThread[],
  seen: PullSeen | null,
): { threads: ThreadChange[]; gone: string[]; seenThreads: Record<string, ThreadSeen> } {
  const before = seen?.threads ?? {};
  const seenThreads: Record<string, ThreadSeen> = {};
  const threads = listed.map((t): ThreadChange => {
    const now: ThreadSeen = {
      isResolved: t.isResolved,
      isOutdated: t.isOutdated,
      commentCount: t.commentCount,
    };
    seenThreads[t.id] = now;
    const was = Object.hasOwn(before, t.id) ? (before[t.id] ?? null) : null;
    const kind =
      was === null
        ? "new"
        : was.isResolved !== now.isResolved ||
            was.isOutdated !== now.isOutdated ||
            was.commentCount !== now.commentCount
          ? "changed"
          : "unchanged";
    return { threadId: t.id, path: t.path, line: t.line, ...now, kind, before: was };
  });
  const gone = Object.keys(before).filter((id) => !Object.hasOwn(seenThreads, id));
  return { threads, gone, seenThreads };
}
