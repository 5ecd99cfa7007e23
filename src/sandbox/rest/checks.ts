import { BareRepo } from "../git/bareRepo.js";
import { checkRunJson } from "../shapes/checkRunJson.js";
import { nextId, nodeId, type SandboxCheckRun, type SandboxRepo } from "../state.js";
import { timestamp } from "../timestamp.js";
import { paginate } from "./paginate.js";
import { intParam, requireRepo } from "./requireRepo.js";
import {
  json,
  notFound,
  type RouteContext,
  type RouteTable,
  validationFailed,
} from "./routeContext.js";

// Check runs, with GitHub's rules: a conclusion implies status completed, a completed run needs
// a conclusion, and the head sha must be a commit of the repository.

interface CheckBody {
  name?: string;
  head_sha?: string;
  status?: SandboxCheckRun["status"];
  conclusion?: string;
  details_url?: string;
  external_id?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string };
}

export const checkRoutes: RouteTable = {
  "checks/create": async (ctx) => {
    const repo = requireRepo(ctx);
    const body = ctx.body as CheckBody & { name: string; head_sha: string };
    const sha = await new BareRepo(repo.gitDir).resolve(body.head_sha);
    if (!sha || sha !== body.head_sha) {
      throw validationFailed({
        resource: "CheckRun",
        code: "invalid",
        field: "head_sha",
        message: `No commit found for SHA: ${body.head_sha}`,
      });
    }
    const id = nextId(ctx.state);
    const run: SandboxCheckRun = {
      id,
      nodeId: nodeId("CR", id),
      name: body.name,
      headSha: sha,
      status: "queued",
      conclusion: null,
      output: null,
      externalId: null,
      detailsUrl: null,
      startedAt: timestamp(ctx.state),
      completedAt: null,
      history: [],
    };
    apply(ctx, run, body);
    repo.checkRuns.set(id, run);
    return json(201, checkRunJson(ctx.state, repo, run));
  },

  "checks/update": (ctx) => {
    const repo = requireRepo(ctx);
    const run = requireRun(repo, ctx);
    apply(ctx, run, ctx.body as CheckBody);
    return json(200, checkRunJson(ctx.state, repo, run));
  },

  "checks/get": (ctx) => {
    const repo = requireRepo(ctx);
    return json(200, checkRunJson(ctx.state, repo, requireRun(repo, ctx)));
  },

  "checks/list-for-ref": async (ctx) => {
    const repo = requireRepo(ctx);
    const ref = ctx.params["ref"] ?? "";
    const sha = await new BareRepo(repo.gitDir).resolve(ref);
    if (!sha)
      throw validationFailed({
        resource: "Commit",
        code: "invalid",
        message: `No commit found for SHA: ${ref}`,
      });
    const name = ctx.query.get("check_name");
    const status = ctx.query.get("status");
    let runs = [...repo.checkRuns.values()].filter(
      (r) => r.headSha === sha && (!name || r.name === name) && (!status || r.status === status),
    );
    if ((ctx.query.get("filter") ?? "latest") === "latest") {
      // the most recent run of each name, as GitHub's default filter returns
      const latest = new Map<string, SandboxCheckRun>();
      for (const r of runs) if ((latest.get(r.name)?.id ?? 0) < r.id) latest.set(r.name, r);
      runs = [...latest.values()];
    }
    runs.sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, runs);
    return json(
      200,
      { total_count: runs.length, check_runs: page.map((r) => checkRunJson(ctx.state, repo, r)) },
      headers,
    );
  },
};

function apply(ctx: RouteContext, run: SandboxCheckRun, body: CheckBody): void {
  const now = timestamp(ctx.state);
  let status = body.status ?? run.status;
  const conclusion =
    body.conclusion ?? (body.status && body.status !== "completed" ? null : run.conclusion);
  if (body.conclusion !== undefined) status = "completed";
  if (status === "completed" && !conclusion) {
    throw validationFailed({
      resource: "CheckRun",
      code: "missing_field",
      field: "conclusion",
      message: "Conclusion is required when status is completed.",
    });
  }
  if (body.name !== undefined) run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.output !== undefined) run.output = { ...(run.output ?? {}), ...body.output };
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  run.status = status;
  run.conclusion = status === "completed" ? (conclusion ?? null) : null;
  run.completedAt = status === "completed" ? (body.completed_at ?? run.completedAt ?? now) : null;
  run.history.push({ status: run.status, conclusion: run.conclusion });
}

function requireRun(repo: SandboxRepo, ctx: RouteContext): SandboxCheckRun {
  const run = repo.checkRuns.get(intParam(ctx, "check_run_id"));
  if (!run) throw notFound();
  return run;
}
