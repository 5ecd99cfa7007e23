import type { GitHubPort, RepoCoordinates } from "../github/githubPort.js";
import { ensureComment } from "./ensureComment.js";

/**
 * Posts the app's answer to one delivery (a refusal, a list of commands, a config error) once.
 * The comment carries the delivery id in a hidden marker, by which a retried job finds it.
 */
export async function answerOnce(
  github: GitHubPort,
  repo: RepoCoordinates,
  issue: number,
  deliveryId: string,
  body: string,
): Promise<void> {
  const marker = `<!-- orchestrate:answer ${deliveryId.replace(/[^A-Za-z0-9_-]/g, "")} -->`;
  await ensureComment(github, repo, issue, {
    mine: (text) => text.includes(marker),
    body: `${body}\n\n${marker}`,
    edit: false,
  });
}
