import type { RunSnapshot } from "../run.js";
import { capList } from "./capList.js";
import { inlineText } from "./inlineText.js";
import { mention } from "./mention.js";
import { renderWaitingTasks } from "./renderWaitingTasks.js";

/**
 * What a person has to know or do in the run's current state; empty when the header says it
 * all. `cap` bounds long lists (spec errors, questions) when the comment runs out of room.
 */
export function renderStateSection({ run, tasks }: RunSnapshot, cap: number): string {
  switch (run.state) {
    case "planning":
      return "Reading the spec and planning the tasks…";
    case "needs-input":
      if (run.awaitingApproval) {
        return "**This plan waits for approval.** Nothing runs until a maintainer comments `/orchestrate approve`.";
      }
      if (run.questions.length === 0) return "";
      return [
        "**The planner needs answers before it can plan:**",
        "",
        ...capList(
          run.questions.map((q, i) => `${i + 1}. ${inlineText(q, 1000)}`),
          cap,
          (n) => `- _…and ${n} more questions, cut to fit this comment_`,
        ),
        "",
        "Answer in a comment on this issue and the plan is made again.",
      ].join("\n");
    case "failed":
      if (run.errors.length === 0) return "";
      return [
        "**The spec could not be used, so this run started nothing:**",
        "",
        ...capList(
          run.errors.map((e) => `- ${inlineText(e, 500)}`),
          cap,
          (n) => `- _…and ${n} more problems, cut to fit this comment_`,
        ),
        "",
        "Edit the issue to fix these, then comment `/orchestrate` to plan again.",
      ].join("\n");
    case "stopped":
      return `**Stopped${run.stoppedBy ? ` by ${mention(run.stoppedBy)}` : ""}.** Queued work was cancelled and nothing more runs. Comment \`/orchestrate\` to start again.`;
    case "running":
      return renderWaitingTasks(tasks, cap);
    case "reviewing":
      return [
        "Following the review threads on the pull requests: each is fixed or answered, then resolved.",
        renderWaitingTasks(tasks, cap),
      ]
        .filter(Boolean)
        .join("\n\n");
    default:
      return "";
  }
}
