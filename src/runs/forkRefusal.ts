import type { PullInfo } from "../github/githubPort.js";
import { codeSpan } from "../spec/escapeMarkdown.js";
import { plainText } from "./status/plainText.js";

/**
 * Why a pull request from a fork cannot be adopted, for the person who asked, or null when it
 * can: review fixes go to the PR's branch in the fork, and GitHub takes the App's push there
 * only while the fork exists and the PR's author allows edits by maintainers.
 */
export function forkRefusal(sender: string, pull: PullInfo): string | null {
  if (!pull.fromFork) return null;
  const branch = codeSpan(plainText(pull.head));
  if (pull.headRepo === null) {
    return [
      `@${sender}, this pull request's branch ${branch} lived in a fork of ${plainText(pull.headOwner)}'s that has since been deleted, so there is nowhere to push review fixes, and nothing was started.`,
      "",
      "Push the branch to a repository again, open a pull request from it, and comment `/orchestrate` there.",
    ].join("\n");
  }
  if (pull.maintainerCanModify) return null;
  const fork = `${plainText(pull.headRepo.owner)}/${plainText(pull.headRepo.repo)}`;
  return [
    `@${sender}, this pull request's branch ${branch} lives in the fork ${fork}, which does not let maintainers push to it, so Orchestrate could not push review fixes there, and nothing was started.`,
    "",
    "The pull request's author can tick **Allow edits by maintainers** in its sidebar (GitHub offers it for forks owned by a user account); then comment `/orchestrate` again.",
  ].join("\n");
}
