import type { GitHubPort } from "../github/githubPort.js";
import { groupRepoUrl } from "./groupRepoUrl.js";
import type { ReviewStore } from "./reviewStore.js";
import type { ReviewThreadsPort } from "./reviewThreadsPort.js";
import type { RunStore } from "./runStore.js";
import { inlineText } from "./status/inlineText.js";

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
          // A fork's fix is a commit of the fork: linked there.
          const group = run.groups.find((g) => g.name === task.group);
          const commitUrl = `${group ? groupRepoUrl(info.htmlUrl, group) : info.htmlUrl}/commit/${task.commit}`;
          const body = task.commit
            ? `Fixed in ${commitUrl}: ${summary(task.report, task.title)}`
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

// The agent's words go into the thread: literal, so they mention nobody and inject no HTML.
function summary(report: string | undefined, title: string): string {
  const line =
    (report ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.trim())[0] ?? title;
  return inlineText(line, 200);
}

/**
 * The explanation keeps its paragraphs and code (GitHub sanitises its HTML), but mentions
 * nobody: a zero-width space after `@` stops the link and the notification, and stays invisible
 * inside code. Control and bidi characters go.
 */
function explanation(report: string | undefined): string {
  const text = (report ?? "")
    .replace(/^\s*NO CHANGE:\s*/i, "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim()
    .slice(0, 3000)
    .replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
  return text ? `No change needed: ${text}` : "No change needed.";
}
