import type { SandboxRepo } from "../state.js";

export const REACTION_CONTENTS = [
  "+1",
  "-1",
  "laugh",
  "confused",
  "heart",
  "hooray",
  "rocket",
  "eyes",
] as const;

/** GitHub's `reactions` summary block on issues and comments. */
export function reactionRollup(repo: SandboxRepo, subject: string, url: string) {
  const mine = repo.reactions.filter((r) => r.subject === subject);
  const counts: Record<string, number> = {};
  for (const content of REACTION_CONTENTS) {
    counts[content] = mine.filter((r) => r.content === content).length;
  }
  return { url, total_count: mine.length, ...counts };
}
