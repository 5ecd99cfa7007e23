import type { GitHubPort, NoticeOption, RepoCoordinates } from "../github/githubPort.js";

/**
 * The App's one comment of a kind on an issue, idempotently: the App's comment that `mine`
 * recognises is looked for first — a job retried after GitHub applied the comment but lost its
 * answer (a 5xx), or a comment whose saved id a crash lost — and edited to `body` when `edit`,
 * left as it is otherwise; only when there is none is it posted.
 */
export async function ensureComment(
  github: GitHubPort,
  repo: RepoCoordinates,
  issue: number,
  o: { mine(body: string): boolean; body: string; edit: boolean } & NoticeOption,
): Promise<{ id: number; created: boolean }> {
  const notice = o.notice ? { notice: true } : {};
  const existing = (await github.listComments(repo, issue, notice)).find(
    (c) => c.author === github.appLogin && o.mine(c.body),
  );
  if (existing) {
    if (o.edit) await github.updateComment(repo, existing.id, o.body, notice);
    return { id: existing.id, created: false };
  }
  return { id: (await github.createComment(repo, issue, o.body, notice)).id, created: true };
}
