import { actionsOf } from "../actions/actionsOf.js";
import { BareRepo } from "../git/bareRepo.js";
import { commitStatusJson } from "../shapes/commitStatusJson.js";
import { repositoryJson } from "../shapes/repositoryJson.js";
import { repoUrls } from "../shapes/repoUrls.js";
import { nextId, type SandboxCommitStatus, type SandboxRepo, type SandboxState } from "../state.js";
import { timestamp } from "../timestamp.js";
import { buildEvent } from "../webhookDriver.js";
import { fullName } from "./issueEvent.js";
import { requireRepo } from "./requireRepo.js";
import { json, notFound, type RouteTable, validationFailed } from "./routeContext.js";

// Commit statuses with GitHub's rules: a status names a commit of the repository by its full
// sha; contexts are case-insensitive and the latest status of each counts; the combined state
// is failure if any is error or failure, pending if any is pending (or there are none), else
// success. Also the branch rules that require status checks.

export const statusRoutes: RouteTable = {
  "repos/create-commit-status": async (ctx) => {
    const repo = requireRepo(ctx);
    const sha = ctx.params["sha"] ?? "";
    const body = ctx.body as {
      state: SandboxCommitStatus["state"];
      context?: string;
      description?: string | null;
      target_url?: string | null;
    };
    if ((await new BareRepo(repo.gitDir).resolve(sha)) !== sha) {
      throw validationFailed({
        resource: "Status",
        code: "custom",
        field: "sha",
        message: `No commit found for SHA: ${sha}`,
      });
    }
    const status = addStatus(ctx.state, repo, {
      sha,
      state: body.state,
      context: body.context ?? "default",
      description: body.description ?? null,
      targetUrl: body.target_url ?? null,
      creator: ctx.actor,
    });
    if (ctx.services.appEventsWanted()) {
      ctx.services.queueAppEvent("status", statusEvent(ctx.state, repo, status));
    }
    return json(201, commitStatusJson(ctx.state, repo, status));
  },

  "repos/get-combined-status-for-ref": async (ctx) => {
    const repo = requireRepo(ctx);
    const ref = ctx.params["ref"] ?? "";
    const sha = await new BareRepo(repo.gitDir).resolve(ref);
    if (!sha) throw notFound(`No commit found for SHA: ${ref}`);
    const statuses = latestStatuses(repo, sha);
    const { api } = repoUrls(ctx.state, repo);
    return json(200, {
      state: combinedState(statuses),
      statuses: statuses.map((s) => {
        const { creator: _, ...simple } = commitStatusJson(ctx.state, repo, s);
        return simple;
      }),
      sha,
      total_count: statuses.length,
      repository: repositoryJson(ctx.state, repo),
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    });
  },

  "repos/get-branch-rules": (ctx) => {
    const repo = requireRepo(ctx);
    const branch = ctx.params["branch"] ?? "";
    const contexts = actionsOf(repo).requiredChecks.get(branch) ?? [];
    if (contexts.length === 0) return json(200, []);
    return json(200, [
      {
        type: "required_status_checks",
        parameters: {
          required_status_checks: contexts.map((context) => ({ context })),
          strict_required_status_checks_policy: false,
        },
        ruleset_source_type: "Repository",
        ruleset_source: fullName(repo),
        ruleset_id: 1,
      },
    ]);
  },
};

export function addStatus(
  state: SandboxState,
  repo: SandboxRepo,
  o: Omit<SandboxCommitStatus, "id" | "createdAt">,
): SandboxCommitStatus {
  const status = { ...o, id: nextId(state), createdAt: timestamp(state) };
  actionsOf(repo).statuses.push(status);
  return status;
}

/** The `status` webhook for a new commit status, with the branches whose head it is. */
export async function statusEventWithBranches(
  state: SandboxState,
  repo: SandboxRepo,
  status: SandboxCommitStatus,
): Promise<Record<string, unknown>> {
  const payload = statusEvent(state, repo, status);
  const branches = (await new BareRepo(repo.gitDir).branches()).filter((b) => b.sha === status.sha);
  const { api } = repoUrls(state, repo);
  payload["branches"] = branches.map((b) => ({
    name: b.name,
    commit: { sha: b.sha, url: `${api}/commits/${b.sha}` },
    protected: false,
  }));
  return payload;
}

function statusEvent(
  state: SandboxState,
  repo: SandboxRepo,
  status: SandboxCommitStatus,
): Record<string, unknown> {
  const payload = buildEvent({ state }, "status", undefined, {
    repo: fullName(repo),
    sender: status.creator,
  });
  return {
    ...payload,
    id: status.id,
    sha: status.sha,
    name: fullName(repo),
    target_url: status.targetUrl,
    context: status.context,
    description: status.description,
    state: status.state,
    branches: [],
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

function latestStatuses(repo: SandboxRepo, sha: string): SandboxCommitStatus[] {
  const latest = new Map<string, SandboxCommitStatus>();
  for (const s of actionsOf(repo).statuses) {
    if (s.sha === sha) latest.set(s.context.toLowerCase(), s);
  }
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

function combinedState(statuses: SandboxCommitStatus[]): "failure" | "pending" | "success" {
  if (statuses.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}
