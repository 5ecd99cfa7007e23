import type { GitHubPort, RepoCoordinates } from "../github/githubPort.js";

/**
 * Posts the app's answer to one delivery (a refusal, a list of commands, a config error) once.
 * The comment carries the delivery id in a hidden marker, and is looked for before it is
 * posted: a job retried after GitHub applied the comment but lost its answer (a 5xx) finds it
 * instead of posting it again.
 */
export async function answerOnce(
  github: GitHubPort,
  repo: RepoCoordinates,
  issue: number,
  deliveryId: string,
  body: string,
): Promise<void> {
  const marker = `<!-- orchestrate:answer ${deliveryId.replace(/[^A-Za-z0-9_-]/g, "")} -->`;
  const comments = await github.listComments(repo, issue);
  if (comments.some((c) => c.author === github.appLogin && c.body.includes(marker))) return;
  await github.createComment(repo, issue, `${body}\n\n${marker}`);
}
