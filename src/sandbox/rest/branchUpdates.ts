import { BareRepo } from "../git/bareRepo.js";
import { mergeability } from "../git/mergeability.js";
import { gitText } from "../git/runGit.js";
import { commitJson } from "../shapes/commitJson.js";
import { repoUrls } from "../shapes/repoUrls.js";
import { pullEnds } from "./pullStats.js";
import { requirePull } from "./pulls.js";
import { requireRepo } from "./requireRepo.js";
import { HttpError, json, notFound, type RouteTable } from "./routeContext.js";

// A branch against its base: the compare API (`behind_by`, `ahead_by`, the merge base) and
// "Update branch" (GitHub merges the base into the PR's head branch, a merge commit, never a
// force-push). Both computed with real git on the repository the clones see.

/** GitHub lists at most 250 commits in a comparison. */
const COMPARE_COMMITS = 250;

export const branchUpdateRoutes: RouteTable = {
  "repos/compare-commits-with-basehead": async (ctx) => {
    const repo = requireRepo(ctx);
    const basehead = ctx.params["basehead"] ?? "";
    const [baseRef, headRef] = basehead.split("...");
    if (!baseRef || !headRef) throw notFound();
    const git = new BareRepo(repo.gitDir);
    const resolve = async (ref: string) =>
      (await git.resolve(`refs/heads/${ref}`)) ?? (await git.resolve(ref));
    const [base, head] = await Promise.all([resolve(baseRef), resolve(headRef)]);
    if (!base || !head) throw notFound();
    const m = await mergeability(repo.gitDir, base, head);
    const status =
      m.aheadBy === 0 && m.behindBy === 0
        ? "identical"
        : m.behindBy === 0
          ? "ahead"
          : m.aheadBy === 0
            ? "behind"
            : "diverged";
    const shas = (await gitText(repo.gitDir, ["rev-list", "--reverse", `${base}..${head}`]))
      .split("\n")
      .filter(Boolean)
      .slice(0, COMPARE_COMMITS);
    const commits = await Promise.all(
      shas.map(async (sha) => commitJson(ctx.state, repo, await git.commit(sha))),
    );
    const { api, html } = repoUrls(ctx.state, repo);
    const mergeBase = m.mergeBase ?? base;
    return json(200, {
      url: `${api}/compare/${basehead}`,
      html_url: `${html}/compare/${basehead}`,
      permalink_url: `${html}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
      diff_url: `${html}/compare/${basehead}.diff`,
      patch_url: `${html}/compare/${basehead}.patch`,
      base_commit: commitJson(ctx.state, repo, await git.commit(base)),
      merge_base_commit: commitJson(ctx.state, repo, await git.commit(mergeBase)),
      status,
      ahead_by: m.aheadBy,
      behind_by: m.behindBy,
      total_commits: m.aheadBy,
      commits,
    });
  },

  "pulls/update-branch": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, async () => {
      const pull = requirePull(repo, ctx);
      const body = (ctx.body ?? {}) as { expected_head_sha?: string };
      if (pull.state !== "open") throw new HttpError(422, "Pull request is not open");
      if (pull.headRepoId !== undefined) {
        // Not modelled: a fork's head branch is updated in the fork.
        throw new HttpError(422, "the sandbox does not update the branch of a fork's pull request");
      }
      if (body.expected_head_sha !== undefined && body.expected_head_sha !== pull.headSha) {
        throw new HttpError(422, "expected head sha didn't match current head ref.");
      }
      const { git, base, head } = await pullEnds(repo, pull);
      const m = await mergeability(repo.gitDir, base, head);
      if (m.behindBy === 0)
        throw new HttpError(422, "There are no new commits on the base branch.");
      if (m.conflicted) throw new HttpError(422, "merge conflict between base and head");
      const merged = await git.mergeInto({
        into: pull.head,
        from: base,
        message: `Merge branch '${pull.base}' into ${pull.head}`,
        author: { name: ctx.actor, email: `${ctx.actor}@users.noreply.github.com` },
      });
      if (!merged) throw new HttpError(422, "expected head sha didn't match current head ref.");
      await ctx.services.syncPulls(repo);
      const { html } = repoUrls(ctx.state, repo);
      return json(202, {
        message: "Updating pull request branch.",
        url: `${html}/pull/${pull.number}`,
      });
    });
  },
};
