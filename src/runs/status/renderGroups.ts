import { codeSpan } from "../../spec/escapeMarkdown.js";
import { groupRepoUrl } from "../groupRepoUrl.js";
import { renderStackLine } from "../renderStackLine.js";
import type { RunRecord, TaskRecord } from "../run.js";
import { type StackPlace, stackPlaces } from "../stackParent.js";
import { baseLine } from "./baseLine.js";
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
  const snapshot = { run, tasks: [...tasks] };
  const places = run.config.stack ? stackPlaces(snapshot) : new Map<string, StackPlace>();
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
    if (group.state === "merged") parts.push("**merged**");
    const place = places.get(group.name) ?? { parent: null, dependsOn: [] };
    const parentBranch = run.groups.find((g) => g.name === place.parent)?.branch;
    // Once retargeted (its parent merged or closed), it is no longer stacked.
    const stacked = place.parent && (group.base === undefined || group.base === parentBranch);
    if (stacked) parts.push(`stacked on **${inlineText(place.parent ?? "", 80)}**`);
    else if (place.circular) {
      parts.push(
        `_waits for ${place.dependsOn.map((g) => `**${inlineText(g, 80)}**`).join(" and ")}, whose tasks wait for this group's too: neither can be stacked on the other, so it is based on the default branch as without \`stack\`_`,
      );
    } else if (place.dependsOn.length > 1) {
      parts.push(
        `_depends on ${place.dependsOn.map((g) => `**${inlineText(g, 80)}**`).join(" and ")}: a branch stacks on one group only, so it is based on the default branch and waits for them as without \`stack\`_`,
      );
    }
    const fixes = tasks.filter((t) => t.group === group.name && t.kind === "ci-fix").length;
    const ci = renderCi(group, fixes, run.config.limits.ci_rounds);
    if (ci) parts.push(ci);
    if (group.note) parts.push(`_${inlineText(group.note, 200)}_`);
    const base = baseLine(group, tasks);
    if (base) parts.push(base);
    if (group.editedBy?.length) {
      const who = group.editedBy.map((login) => codeSpan(plainText(login))).join(", ");
      parts.push(
        `_${who} pushed to this branch: their commits are kept, and later tasks build on top of them_`,
      );
    }
    return `- ${parts.join(" · ")}`;
  });
  const stacks = [...places]
    .filter(([, place]) => place.parent === null)
    .map(([name]) => renderStackLine(snapshot, name, { here: false, places }))
    .filter((line): line is string => line !== null);
  return [
    "#### Pull requests",
    "",
    ...stacks.map((line) => `${line}\n`),
    ...capList(lines, o.cap, (n) => `- _…and ${n} more groups, cut to fit this comment_`),
  ].join("\n");
}

function encodePath(branch: string): string {
  return branch.split("/").map(encodeURIComponent).join("/");
}
