import type { GitHubPort } from "../github/githubPort.js";
import { codeSpan } from "../spec/escapeMarkdown.js";
import { ensureComment } from "./ensureComment.js";
import type { RunRecord, TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { RunStore } from "./runStore.js";
import { inlineText } from "./status/inlineText.js";

/**
 * Asks on the issue every question a task of the run is waiting on and has not asked yet: one
 * comment per question, found again by its marker when a retried settle meets it (GitHub
 * applied it, the answer was lost), and noted on the task once posted. Returns how many it asked.
 */
export async function askQuestions(
  runKey: string,
  deps: { store: RunStore; github: GitHubPort },
): Promise<number> {
  const snapshot = await deps.store.get(runKey);
  if (!snapshot || snapshot.run.unreachable || !isLive(snapshot.run.state)) return 0;
  const { run } = snapshot;
  let asked = 0;
  for (const task of snapshot.tasks) {
    const question = task.question;
    if (task.status !== "needs-input" || !question || question.commentId !== undefined) continue;
    const marker = questionMarker(task.id, question.attempt);
    const { id } = await ensureComment(
      deps.github,
      { owner: run.owner, repo: run.repo },
      run.issueNumber,
      {
        mine: (body) => body.includes(marker),
        body: questionComment(run, task, marker),
        edit: false,
      },
    );
    await deps.store.updateTask(runKey, task.id, (t) =>
      t.status === "needs-input" &&
      t.question?.attempt === question.attempt &&
      t.question.commentId === undefined
        ? { ...t, question: { ...t.question, commentId: id } }
        : null,
    );
    asked += 1;
  }
  return asked;
}

function questionMarker(taskId: string, attempt: number): string {
  return `<!-- orchestrate:question ${taskId.replace(/[^A-Za-z0-9._-]/g, "")} a${attempt} -->`;
}

/**
 * The question as the agent wrote it, line by line, quoted and escaped: an agent's text is
 * untrusted, so it mentions nobody and links nothing. Whoever started the run is mentioned, so
 * the question reaches someone who can answer it.
 */
function questionComment(run: RunRecord, task: TaskRecord, marker: string): string {
  const quoted = (task.question?.text ?? "")
    .split(/\r?\n/)
    .map((line) => (line.trim() === "" ? ">" : `> ${inlineText(line, 1_000)}`));
  return [
    `@${run.startedBy}, task ${codeSpan(task.id)} (${inlineText(task.title, 200)}) cannot go on without an answer. Its agent asks:`,
    "",
    ...quoted,
    "",
    "Answer in a comment on this issue: the next comment of someone with write access to the repository is the answer, and every task waiting for one runs again with it in its work order. `/orchestrate stop` cancels them instead.",
    "",
    marker,
  ].join("\n");
}
