import type { GitHubPort } from "../github/githubPort.js";
import type { ReviewStore } from "./reviewStore.js";
import type { ReviewThreadsPort } from "./reviewThreadsPort.js";
import type { RunStore } from "./runStore.js";

/**
 * After a `review-thread` task completes: reply in each of its threads — the commit link and a
 * one-line summary, or the agent's explanation when no change was needed — then resolve it.
 * A reply already posted (a retried job) is not posted again.
 */
export async function answerThreads(
  runKey: string,
  deps: { store: RunStore; reviews: ReviewStore; threads: ReviewThreadsPort; github: GitHubPort },
): Promise<number> {
  const snapshot = await deps.store.get(runKey);
  if (!snapshot) return 0;
  const pending = snapshot.tasks.filter(
    (t) =>
      t.kind === "review-thread" &&
      t.status === "complete" &&
      t.threads?.some((th) => !th.answered),
  );
  if (pending.length === 0) return 0;
  const { run } = snapshot;
  const info = await deps.github.repoInfo({ owner: run.owner, repo: run.repo });
  const appLogin = deps.github.appLogin.replace(/\[bot\]$/, "");
  let answered = 0;
  for (const task of pending) {
    const open = (task.threads ?? []).filter((t) => !t.answered);
    const details = new Map(
      (await deps.threads.threadDetails(open.map((t) => t.id))).map((d) => [d.id, d]),
    );
    for (const thread of open) {
      // Under the PR's lock, and re-checked: two settle jobs of one run must not both reply.
      const done = await deps.reviews.exclusive(run.owner, run.repo, thread.pull, async () => {
        const current = (await deps.store.get(runKey))?.tasks
          .find((t) => t.id === task.id)
          ?.threads?.find((t) => t.id === thread.id);
        if (!current || current.answered) return false;
        const detail = details.get(thread.id);
        const alreadyReplied = detail?.comments
          .slice(thread.commentCount)
          .some((c) => c.author === appLogin);
        if (detail && !alreadyReplied) {
          const body = task.commit
            ? `Fixed in ${info.htmlUrl}/commit/${task.commit}: ${summary(task.report, task.title)}`
            : explanation(task.explanation ?? task.report);
          await deps.threads.reply(thread.id, body);
        }
        if (detail && !detail.isResolved) await deps.threads.resolve(thread.id);
        await deps.store.updateTask(runKey, task.id, (t) => ({
          ...t,
          threads: t.threads?.map((th) => (th.id === thread.id ? { ...th, answered: true } : th)),
        }));
        const count = (detail?.comments.length ?? thread.commentCount) + (alreadyReplied ? 0 : 1);
        await deps.reviews.update(run.owner, run.repo, thread.pull, (r) => ({
          ...r,
          handled: { ...r.handled, [thread.id]: Math.max(r.handled[thread.id] ?? 0, count) },
        }));
        return true;
      });
      if (!done) continue;
      answered += 1;
    }
  }
  return answered;
}

function summary(report: string | undefined, title: string): string {
  const line =
    (report ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.trim())[0] ?? title;
  return line.replace(/\s+/g, " ").slice(0, 200);
}

function explanation(report: string | undefined): string {
  const text = (report ?? "").replace(/^\s*NO CHANGE:\s*/i, "").trim();
  return text ? `No change needed: ${text.slice(0, 3000)}` : "No change needed.";
}
