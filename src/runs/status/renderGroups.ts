import { codeSpan } from "../../spec/escapeMarkdown.js";
import { groupRepoUrl } from "../groupRepoUrl.js";
import type { RunRecord, TaskRecord } from "../run.js";
import { capList } from "./capList.js";
import { inlineText } from "./inlineText.js";
import { plainText } from "./plainText.js";
import { renderCi } from "./renderCi.js";

/**
 * A line per group: its branch, its pull request (or that there is none yet), how its review
 * threads stand, and any note about something a person did to it outside the run.
 */
export function renderGroups(
  run: RunRecord,
  tasks: readonly TaskRecord[],
  o: { repoUrl?: string | undefined; cap: number },
): string {
  if (run.groups.length === 0) return "";
  const lines = run.groups.map((group) => {
    const own = tasks.filter((t) => t.group === group.name && t.kind === "implement");
    const done = own.filter((t) => t.status === "complete").length;
    // A fork's branch reads as GitHub labels it, `owner:branch`, and links into the fork.
    const label = group.headRepo ? `${group.headRepo.owner}:${group.branch}` : group.branch;
    const branch = codeSpan(plainText(label));
    const parts = [
      `**${inlineText(group.name, 80)}**`,
      o.repoUrl
        ? `[${branch}](${groupRepoUrl(o.repoUrl, group)}/tree/${encodePath(group.branch)})`
        : branch,
      group.pull !== null ? `#${group.pull}` : "pull request not opened yet",
      `${done} of ${own.length} tasks complete`,
    ];
    if (group.threads) {
      const { open, resolved, ignored } = group.threads;
      parts.push(`review threads: ${open} open, ${resolved} resolved, ${ignored} ignored`);
    }
    const fixes = tasks.filter((t) => t.group === group.name && t.kind === "ci-fix").length;
    const ci = renderCi(group, fixes, run.config.limits.ci_rounds);
    if (ci) parts.push(ci);
    if (group.note) parts.push(`_${inlineText(group.note, 200)}_`);
    if (group.editedBy?.length) {
      const who = group.editedBy.map((login) => codeSpan(plainText(login))).join(", ");
      parts.push(
        `_${who} pushed to this branch: their commits are kept, and later tasks build on top of them_`,
      );
    }
    return `- ${parts.join(" · ")}`;
  });
  return [
    "#### Pull requests",
    "",
    ...capList(lines, o.cap, (n) => `- _…and ${n} more groups, cut to fit this comment_`),
  ].join("\n");
}

function encodePath(branch: string): string {
  return branch.split("/").map(encodeURIComponent).join("/");
}
