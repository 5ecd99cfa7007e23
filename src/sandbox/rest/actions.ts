import { actionsOf } from "../actions/actionsOf.js";
import { jobJson } from "../actions/jobJson.js";
import type { SandboxRepo } from "../state.js";
import { intParam, requireRepo } from "./requireRepo.js";
import { json, notFound, type RouteContext, type RouteTable } from "./routeContext.js";

// GitHub Actions as the sandbox runs it (see actions/actionsRunner.ts): a workflow run's jobs,
// one job, its log (a 302 to a short-lived download URL, as GitHub answers) and re-running it.

export const actionRoutes: RouteTable = {
  "actions/list-jobs-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const run = actionsOf(repo).runs.get(intParam(ctx, "run_id"));
    if (!run) throw notFound();
    // `latest` (GitHub's default): the jobs of the latest attempt only.
    const ids = ctx.query.get("filter") === "all" ? run.jobIds : run.jobIds.slice(-1);
    return json(200, {
      total_count: ids.length,
      jobs: ids.map((id) => jobJson(ctx.state, repo, run, id)),
    });
  },

  "actions/get-job-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { run, id } = requireJob(repo, ctx);
    return json(200, jobJson(ctx.state, repo, run, id));
  },

  "actions/download-job-logs-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { id } = requireJob(repo, ctx);
    const url = ctx.services.actions.logDownloadUrl(repo, id);
    if (!url) throw notFound();
    return { status: 302, headers: { location: url } };
  },

  "actions/re-run-job-for-workflow-run": (ctx) => {
    const repo = requireRepo(ctx);
    const { id } = requireJob(repo, ctx);
    ctx.services.actions.rerunJob(repo, id);
    return json(201, {});
  },
};

function requireJob(repo: SandboxRepo, ctx: RouteContext) {
  const id = intParam(ctx, "job_id");
  const run = [...actionsOf(repo).runs.values()].find((r) => r.jobIds.includes(id));
  if (!run) throw notFound();
  return { run, id };
}
