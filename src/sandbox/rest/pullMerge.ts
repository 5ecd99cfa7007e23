import { MergeConflictError, mergePull } from "../mergePull.js";
import { fullName } from "./issueEvent.js";
import { requirePull } from "./pulls.js";
import { requireRepo } from "./requireRepo.js";
import { HttpError, json, type RouteTable } from "./routeContext.js";

// `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge` with GitHub's documented answers:
// 200 with the merge commit, 405 when the PR cannot be merged (closed, draft, conflicting),
// 409 when `sha` is not the head any more. Only the merge-commit method is modelled.

export const pullMergeRoutes: RouteTable = {
  "pulls/merge": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, async () => {
      const pull = requirePull(repo, ctx);
      const body = (ctx.body ?? {}) as {
        sha?: string;
        merge_method?: "merge" | "squash" | "rebase";
        commit_title?: string;
        commit_message?: string;
      };
      if (pull.state !== "open" || pull.draft) {
        throw new HttpError(405, "Pull Request is not mergeable");
      }
      if (body.sha !== undefined && body.sha !== pull.headSha) {
        throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
      }
      if ((body.merge_method ?? "merge") !== "merge") {
        throw new HttpError(
          405,
          `Merge method ${body.merge_method} is not modelled by the sandbox`,
        );
      }
      let sha: string;
      try {
        sha = await mergePull(ctx.state, repo, pull, ctx.actor, {
          title: body.commit_title,
          message: body.commit_message,
        });
      } catch (error) {
        if (error instanceof MergeConflictError) {
          throw new HttpError(405, "Pull Request is not mergeable");
        }
        throw error;
      }
      ctx.emit("pull_request", "closed", { repo: fullName(repo), pull: pull.number });
      // The base branch moved: the PRs on it follow.
      await ctx.services.syncPulls(repo);
      return json(200, { sha, merged: true, message: "Pull Request successfully merged" });
    });
  },
};
