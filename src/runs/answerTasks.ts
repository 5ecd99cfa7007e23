import type { RunSnapshot, TaskRecord } from "./run.js";
import { isLive } from "./runMachine.js";
import type { SnapshotChange } from "./runStore.js";

/** Longest answer kept on a task (it goes into every later work order). */
const MAX_ANSWER_CHARS = 8_000;

/**
 * A maintainer's comment answers every task of a live run that waits for input: each goes back
 * to `pending` with the question and the answer kept, for its next attempts' work orders. null
 * when no task waits (the comment is no answer of theirs).
 */
export function answerTasks(
  { run, tasks }: RunSnapshot,
  sender: string,
  comment: string,
): SnapshotChange | null {
  if (!isLive(run.state)) return null;
  const waiting = tasks.filter((t) => t.status === "needs-input");
  if (waiting.length === 0) return null;
  const answer = comment.trim().slice(0, MAX_ANSWER_CHARS);
  const answered: TaskRecord[] = waiting.map((t) => ({
    ...t,
    status: "pending",
    question: undefined,
    answers: [
      ...(t.answers ?? []),
      // A run rebuilt from GitHub has the task's status, not its question's text.
      { question: t.question?.text ?? "(the question was not kept)", answer, by: sender },
    ],
    report: `answered by @${sender}`,
  }));
  const ids = waiting.map((t) => t.id).join(", ");
  return {
    run: {
      ...run,
      reason: `@${sender} answered; ${ids} ${waiting.length === 1 ? "goes" : "go"} on`,
    },
    tasks: answered,
    remove: [],
  };
}
