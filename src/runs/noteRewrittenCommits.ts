import type { RunStore } from "./runStore.js";

/**
 * A rebase (`update: rebase`) replaced commits of a group's branch: every task whose commit was
 * among them now names its replacement, so the status comment and the PR's checklist link
 * commits that are on the branch.
 */
export async function noteRewrittenCommits(
  runKey: string,
  rewritten: Readonly<Record<string, string>>,
  store: RunStore,
): Promise<void> {
  const snapshot = await store.get(runKey);
  for (const task of snapshot?.tasks ?? []) {
    const replacement = task.commit ? rewritten[task.commit] : undefined;
    if (!replacement) continue;
    await store.updateTask(runKey, task.id, (t) =>
      t.commit && rewritten[t.commit] ? { ...t, commit: rewritten[t.commit] } : null,
    );
  }
}
