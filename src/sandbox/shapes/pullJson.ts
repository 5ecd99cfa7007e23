import { pullHeadRepo } from "../forks/pullHeadRepo.js";
import type { SandboxPull, SandboxRepo, SandboxState } from "../state.js";
import { authorAssociation } from "./authorAssociation.js";
import { labelJson } from "./labelJson.js";
import { repositoryJson } from "./repositoryJson.js";
import { repoUrls } from "./repoUrls.js";
import { userJson } from "./userJson.js";

export interface PullStats {
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  /** mergeable, rebaseable, mergeable_state (see pullMergeability) */
  merge?: { mergeable: boolean | null; rebaseable: boolean | null; mergeable_state: string };
}

/**
 * GitHub's `pull-request-simple` object (lists, webhooks); with `stats` it is the full
 * `pull-request` object that GET/POST/PATCH of a single pull request return.
 */
export function pullJson(
  state: SandboxState,
  repo: SandboxRepo,
  pull: SandboxPull,
  stats?: PullStats,
) {
  const { api, html } = repoUrls(state, repo);
  const url = `${api}/pulls/${pull.number}`;
  const issueUrl = `${api}/issues/${pull.number}`;
  const htmlUrl = `${html}/pull/${pull.number}`;
  const issue = repo.issues.get(pull.number);
  const repository = repositoryJson(state, repo);
  const owner = userJson(state, repo.owner);
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repository,
  });
  // A PR from a fork: its head is the fork's branch; a deleted fork leaves `repo: null`.
  const headRepo = pull.headRepoId === undefined ? repo : pullHeadRepo(state, repo, pull);
  const headOwner = headRepo?.owner ?? pull.headOwner ?? "ghost";
  const head =
    headRepo === repo
      ? side(pull.head, pull.headSha)
      : {
          label: `${headOwner}:${pull.head}`,
          ref: pull.head,
          sha: pull.headSha,
          user: userJson(state, headOwner),
          repo: headRepo ? repositoryJson(state, headRepo) : null,
        };
  const simple = {
    url,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(state, pull.user),
    body: pull.body,
    labels: (issue?.labels ?? []).flatMap((name) => {
      const label = repo.labels.get(name);
      return label ? [labelJson(state, repo, label)] : [];
    }),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head,
    base: side(pull.base, pull.baseSha ?? ""),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: authorAssociation(repo, pull.user),
    auto_merge: null,
    draft: pull.draft,
  };
  if (!stats) return simple;
  const comments = [...repo.issueComments.values()].filter((c) => c.issueNumber === pull.number);
  const reviewComments = [...repo.reviewComments.values()].filter(
    (c) => c.pullNumber === pull.number,
  );
  return {
    ...simple,
    merged: pull.merged,
    mergeable: stats.merge ? stats.merge.mergeable : pull.state === "open" ? true : null,
    rebaseable: stats.merge ? stats.merge.rebaseable : pull.state === "open" ? true : null,
    mergeable_state: stats.merge?.mergeable_state ?? (pull.state === "open" ? "clean" : "unknown"),
    merged_by: pull.mergedBy ? userJson(state, pull.mergedBy) : null,
    comments: comments.length,
    review_comments: reviewComments.length,
    maintainer_can_modify: pull.maintainerCanModify ?? false,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changedFiles,
  };
}
