import type { RunSnapshot } from "../run.js";
import { inlineText } from "./inlineText.js";
import { mention } from "./mention.js";
import { runStateLabel } from "./runStateLabel.js";

/** The first lines: the state, who started the run, how far it got and why it is where it is. */
export function renderHeader({ run, tasks }: RunSnapshot): string {
  const facts = [`Started by ${mention(run.startedBy)}`];
  if (tasks.length > 0) {
    const count = (status: string) => tasks.filter((t) => t.status === status).length;
    facts.push(`${count("complete")} of ${tasks.length} tasks complete`);
    if (count("in_progress") > 0) facts.push(`${count("in_progress")} in progress`);
    if (count("failed") > 0) facts.push(`${count("failed")} failed`);
  }
  const lines = [`### ${runStateLabel(run.state)} · Orchestrate run`, facts.join(" · ")];
  if (run.reason) lines.push("", `_${inlineText(run.reason, 300)}_`);
  const changed = run.replanned ? replannedLine(run.replanned) : null;
  if (changed) lines.push("", changed);
  const unsandboxed = tasks.filter((t) => t.unsandboxed).length;
  if (unsandboxed > 0) {
    lines.push(
      "",
      `> [!WARNING]\n> **Unsandboxed:** ${unsandboxed === 1 ? "1 task" : `${unsandboxed} tasks`} ran on a worker whose operator turned the agent sandbox off (\`ORCHESTRATE_UNSAFE_NO_SANDBOX\`): those agents could read the worker's files and the tokens it uses.`,
    );
  }
  // Shown until a publish got every held-back write through (see the publish job), not only
  // until the time: a note that went away at the time would be one more write just then,
  // taking the slot the held-back writes wait for.
  const wait = run.githubWait;
  if (wait) {
    const limit =
      wait.limit === "writes"
        ? "Orchestrate reached GitHub's limit on writes (comments, PRs, replies) for this installation: 500 an hour, shared by every run and every Orchestrate process"
        : "Orchestrate spent GitHub's hourly request limit for this installation (5,000 an hour)";
    lines.push(
      "",
      `> [!NOTE]\n> **Waiting for GitHub:** ${limit}. The run goes on by itself at ${wait.until.slice(11, 16)} UTC, and nothing is lost. To stay under the limit, run fewer issues at once on this installation.`,
    );
  }
  return lines.join("\n");
}

/** What the last re-plan changed, in one line; null when it changed nothing. */
function replannedLine(r: NonNullable<RunSnapshot["run"]["replanned"]>): string | null {
  const ids = (list: string[]) => {
    const shown = list.slice(0, 10).map((id) => `\`${inlineText(id, 60)}\``);
    return list.length > 10 ? `${shown.join(", ")} and ${list.length - 10} more` : shown.join(", ");
  };
  const parts = [
    r.added.length > 0 ? `added ${ids(r.added)}` : "",
    r.changed.length > 0 ? `redone ${ids(r.changed)} (changed)` : "",
    r.removed.length > 0 ? `removed ${ids(r.removed)}` : "",
  ].filter((p) => p !== "");
  if (parts.length === 0) return null;
  return `**Re-planned** from the spec as it is now: ${parts.join("; ")}; ${r.kept} kept as ${r.kept === 1 ? "it was" : "they were"}.`;
}
